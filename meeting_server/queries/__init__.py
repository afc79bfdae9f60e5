"""The read side: one function per view, each answering it from one read transaction.

A function here takes the reader connection of ``async with db.read() as conn`` (one snapshot),
the caller and the view's parsed parameters; it loads what the view shows with a constant number
of statements whatever the number of rows (joins and ``IN (SELECT value FROM json_each(?))``,
never a query per row), asks ``meeting_server.access`` whether the caller may see it, and
returns domain objects or plain data ready to render. The statement count of each is in its
docstring, and ``tests/test_queries.py`` holds the task views to it.

Views call them through ``views.common.ask(request, function, ...)``, which signs the caller in
and opens the one read transaction. Writes go through ``services`` instead.
"""
