"""The community forum (issue 4): categories, threads and posts in markdown, safe
rooms with anonymous posting, crisis-word support, moderation, search.

Account deletion (``handlers.forget_member`` via ``account_deleting``): anonymous
posts are erased, because their text may identify a writer who chose anonymity;
named posts stay in the conversations they belong to, shown as "Mantan anggota".
Reactions, reports, follows, read markers and the forum profile are deleted, and
pending forum messages to the person are cancelled.
"""
