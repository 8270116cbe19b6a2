"""Document generation: template catalogue + manifests, docxtpl rendering, DOCX→PDF."""
