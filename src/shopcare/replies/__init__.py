"""Templates, the context a template sees, its filters, eml and json output, the template check."""
