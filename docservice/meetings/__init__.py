"""Meetings: attendance, the vote base, quorum and votes by the rule profile of the meeting's date."""
