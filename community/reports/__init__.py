"""Lapor (issue 13): confidential reports of illegal recruiters (calo), fake job ads
and trafficking (TPPO), worked by the Satgas PMI.

Members and visitors without an account report; each report gets a reference code
and a separate secret (stored hashed) to follow its status. Satgas officers work a
queue (``desk_views``): verify, refer to another body, close with a reason, keep
internal notes, and see identifiers (phone numbers, companies, social handles)
that recur across reports. Report text, contacts and attachments are encrypted at
rest; an anonymous report stores no account, no address and no user agent.

Account deletion (``personal_data.erase_for``): reports already referred stay (they
belong to a case) without the link to the account and without contact details;
the others are erased.
"""
