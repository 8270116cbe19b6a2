"""Authentication, roles, organisation scope, clearance and the audit chain."""
