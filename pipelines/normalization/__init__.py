"""Pure normalization functions: text, dates, URLs, language."""
