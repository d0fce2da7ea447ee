"""What every layer agrees on, and nothing else: the stage types (RawPage -> ExtractedArticle ->
ArticleRecord), the record schema, URL identity, our own signals and the site profiles (data).

Modules here import nothing of ours outside this package (tests/test_layout.py checks it), so
the crawler and the page-processing pipelines can both use them without importing each other.
"""
