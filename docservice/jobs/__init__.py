"""Background jobs kept in the catalogue and run by the job worker."""
