"use strict";
// Votes, on the tablets and the console: each eligible participant votes once from the tablet
// (and for an absent member who gave them their vote); while a vote is open everyone sees how
// many have voted, never how; once closed, the result. The chair and the secretary open votes,
// close them and record proxies. Started once all the page's scripts have run.
document.addEventListener("DOMContentLoaded", function () {
  const root = document.getElementById("votes");
  if (!root || !window.MeetingLive) return;
  const api = () => window.MeetingApi;
  const meetingId = root.dataset.meetingId;
  const me = Number(root.dataset.userId);
  const lead = root.dataset.lead === "true";
  const strings = JSON.parse(document.getElementById("votes-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const error = document.getElementById("votes-error");
  const list = document.getElementById("votes-list");
  let state = null;

  function applyVotes(s, event) {
    const d = event.data;
    switch (event.event) {
      case "vote.opened":
      case "vote.closed":
        s.votes = s.votes.filter((v) => v.id !== d.vote.id).concat([d.vote]).sort((a, b) => a.id - b.id);
        return true;
      case "vote.cast":
        s.votes = s.votes.map((v) => v.id !== d.vote_id ? v : Object.assign({}, v, {
          voted: v.voted.indexOf(d.user_id) >= 0 ? v.voted : v.voted.concat([d.user_id]).sort((a, b) => a - b),
          cast: d.cast }));
        return true;
      case "proxy.granted":
        s.proxies = s.proxies.filter((p) => p.from_user_id !== d.proxy.from_user_id).concat([d.proxy])
          .sort((a, b) => a.from_user_id - b.from_user_id);
        return true;
      case "proxy.revoked":
        s.proxies = s.proxies.filter((p) => p.from_user_id !== d.from_user_id);
        return true;
      default:
        return false;
    }
  }
  const previous = window.MeetingLive.extra;
  window.MeetingLive.extra = (s, event) => {
    if (!applyVotes(s, event) && previous) previous(s, event);
  };

  const nameOf = (id) => {
    const p = state.participants.find((x) => x.user_id === id);
    return p ? p.name : "#" + id;
  };
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function ballotButtons(vote, forUser) {
    const row = el("div", "vote-options");
    vote.options.forEach((label, choice) => {
      const b = el("button", "vote-option", label);
      b.type = "button";
      b.dataset.choice = String(choice);
      b.addEventListener("click", () => api().act(row, error, async (key) => {
        const body = forUser ? { choice, for_user_id: forUser } : { choice };
        try {
          await api().call("POST", "/api/votes/" + vote.id + "/ballots", body, { key });
        } catch (e) {
          // a retry of a ballot that reached the server: it stands
          if (!(e instanceof api().ApiError) || e.code !== "already_voted" || vote.allow_change) throw e;
        }
        if (!vote.secret) mine[vote.id + ":" + (forUser || me)] = choice;
        render();
      }));
      row.append(b);
    });
    return row;
  }
  // act() disables the trigger: here the row of options, whose buttons it does not know.
  const mine = {};

  function resultOf(vote) {
    const r = vote.result;
    const box = el("div", "vote-result");
    const table = el("ul", "vote-counts");
    vote.options.forEach((label, i) => {
      table.append(el("li", null, t("{option}: {n} ({share}%)", {
        option: label, n: r.counts[i], share: String(r.percentages[i]).replace(".", api().lang === "vi" ? "," : ".") })));
    });
    box.append(table);
    box.append(el("p", "vote-outcome " + (r.passed ? "passed" : "failed"), r.passed ? t("Passed") : t("Not passed")));
    // the rule applies to the first option only (docs/voting.md), as the minutes say
    box.append(el("p", "meta vote-motion", t("Put to the vote: “{option}”, needing {n} ballots", {
      option: vote.options[0], n: r.majority_needed })));
    const quorum = vote.quorum === "none" ? "" : " · " + (r.quorum_met ? t("Quorum met") : t("No quorum"));
    box.append(el("p", "meta", t("{cast} ballots of {eligible} members ({present} present)", {
      cast: r.cast, eligible: r.eligible, present: r.present }) + quorum));
    if (r.ballots) {
      box.append(el("p", "meta vote-named", r.ballots.map((b) => b.name + ": " + vote.options[b.choice]).join("; ")));
    }
    return box;
  }

  function render() {
    if (!state) return;
    const votes = state.votes.slice().sort((a, b) => (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1) || b.id - a.id);
    list.replaceChildren(...votes.map((vote) => {
      const card = el("article", "vote vote-" + vote.status);
      card.dataset.voteId = String(vote.id);
      card.append(el("h3", "vote-question", vote.question));
      card.append(el("p", "meta", (vote.secret ? t("Secret ballot") : t("Named vote")) + " · " +
        (vote.status === "open" ? t("Voting open") : t("Voting closed"))));
      if (vote.status === "open") {
        card.append(el("p", "vote-count", t("Voted: {n} of {total}", { n: vote.cast, total: vote.eligible.length })));
        const given = state.proxies.find((p) => p.from_user_id === me);
        if (vote.eligible.indexOf(me) >= 0 && !given) {
          const voted = vote.voted.indexOf(me) >= 0;
          if (voted) {
            const choice = mine[vote.id + ":" + me];
            card.append(el("p", "vote-done", choice === undefined ? t("You have voted.")
              : t("You have voted: {option}", { option: vote.options[choice] })));
          }
          if (!voted || (vote.allow_change && !vote.secret)) card.append(ballotButtons(vote, null));
        }
        for (const p of state.proxies.filter((x) => x.to_user_id === me && vote.eligible.indexOf(x.from_user_id) >= 0)) {
          card.append(el("p", "meta", t("For {name} (proxy)", { name: nameOf(p.from_user_id) })));
          if (vote.voted.indexOf(p.from_user_id) < 0) card.append(ballotButtons(vote, p.from_user_id));
        }
        if (lead) {
          const close = el("button", "secondary vote-close", t("Close the vote"));
          close.type = "button";
          close.addEventListener("click", () => api().act(close, error, (key) =>
            api().call("POST", "/api/votes/" + vote.id + "/close", undefined, { key })));
          card.append(close);
        }
      } else if (vote.result) {
        card.append(resultOf(vote));
      }
      return card;
    }));
    document.getElementById("votes-empty").hidden = state.votes.length > 0;
    renderProxies();
  }

  function renderProxies() {
    const proxies = document.getElementById("proxies");
    if (!proxies) return;
    proxies.replaceChildren(...state.proxies.map((p) => {
      const li = el("li", null, t("{from} gave their vote to {to}", { from: nameOf(p.from_user_id), to: nameOf(p.to_user_id) }) + " ");
      const b = el("button", "secondary", t("Revoke"));
      b.type = "button";
      b.addEventListener("click", () => api().act(b, error, (key) =>
        api().call("DELETE", "/api/meetings/" + meetingId + "/proxies/" + p.from_user_id, undefined, { key })));
      li.append(b);
      return li;
    }));
    const voters = state.participants.filter((p) => p.role === "chair" || p.role === "member");
    for (const select of document.querySelectorAll("#proxy-form select")) {
      const chosen = select.value;
      select.replaceChildren(el("option", null, "—"), ...voters.map((p) => {
        const o = el("option", null, p.name);
        o.value = String(p.user_id);
        return o;
      }));
      select.firstChild.value = "";
      select.value = chosen;
    }
  }

  const form = document.getElementById("vote-form");
  if (form) {
    api().onSubmit(form, async (data, key) => {
      const options = String(data.get("options") || "").split("\n").map((s) => s.trim()).filter(Boolean);
      const body = {
        question: data.get("question"), secret: data.get("secret") === "on",
        allow_change: data.get("allow_change") === "on", quorum: data.get("quorum"),
        majority: data.get("majority"), threshold: data.get("threshold"),
        agenda_item_id: state ? state.current_item_id : null,
      };
      if (options.length) body.options = options;
      await api().call("POST", "/api/meetings/" + meetingId + "/votes", body, { key });
      form.reset();
    });
  }
  const proxyForm = document.getElementById("proxy-form");
  if (proxyForm) {
    api().onSubmit(proxyForm, (data, key) => api().call("POST", "/api/meetings/" + meetingId + "/proxies", {
      from_user_id: Number(data.get("from_user_id")), to_user_id: Number(data.get("to_user_id")) }, { key }));
  }
  document.addEventListener("meeting-state", (event) => { state = event.detail; render(); });
  if (window.MeetingLive.state()) { state = window.MeetingLive.state(); render(); }
});
