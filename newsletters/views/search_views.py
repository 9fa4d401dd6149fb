"""The search page: the query as typed, cleaned, and its results
(the matching and the snippets are in newsletters/search.py)."""

from django.shortcuts import render

from msme_portal.page_cache import cache_public_page
from newsletters.search import MAX_QUERY_LENGTH, clean_query, query_terms, search


# Readers arriving from one newsletter search for the same words; a repeated
# query is served from the page cache until the next content edit.
@cache_public_page(allowed_params=("q",))
def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    results = search(query) if query else []
    context = {
        "query": query,
        "results": results,
        "searched": bool(query),
        "has_terms": bool(query_terms(query)),
        "max_length": MAX_QUERY_LENGTH,
    }
    return render(request, "newsletters/search.html", context)
