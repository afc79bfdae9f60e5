"""HTTP endpoints: parse and check input, call one service or store function, answer."""
