"""The search page: the query as typed, cleaned, and a page of its results
(the matching and the snippets are in newsletters/search.py)."""

from urllib.parse import urlencode

from django.shortcuts import render

from msme_portal.page_cache import cache_public_page
from newsletters.search import MAX_QUERY_LENGTH, clean_query, page_of_results, query_terms


# Readers arriving from one newsletter search for the same words; a repeated
# query is served from the page cache until the next content edit.
@cache_public_page(allowed_params=("q", "page"))
def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    page = page_of_results(query, request.GET.get("page")) if query else None
    context = {
        "query": query,
        "page": page,
        "results": page.object_list if page else [],
        # Links to other pages keep the query.
        "page_query": urlencode({"q": query}) + "&",
        "searched": bool(query),
        "has_terms": bool(query_terms(query)),
        "max_length": MAX_QUERY_LENGTH,
    }
    return render(request, "newsletters/search.html", context)
