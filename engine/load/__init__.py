"""Loading rule, form and criteria files into validated models, with file:line errors."""
