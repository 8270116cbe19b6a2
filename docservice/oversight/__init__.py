"""The committee's overview: meeting registers, attendance and party-work figures, charts and reports.

Everything here is read from the catalogue as the caller may see it: organisations in their scope, and
meetings, documents, records and study sessions up to their clearance. A confidential meeting the caller
may not see is not counted anywhere (so a register can show a month as missing to one reader and as held to
a cleared one); figures never include what the caller could not open.
"""
