"""Pure normalization functions: text, dates, timezones, language."""
