"""A send's delivery log as CSV: for each recipient, what became of their
message (the proof of delivery a secretariat may be asked for).

Streamed in chunks of rows, so a send to 100,000 people keeps memory flat
(bench/delivery_log_bench.py measures it). A subscriber erased since has
an empty address: their row keeps its status, time, Message-ID and reply,
which identify nobody.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone

from msme_portal.csv_files import csv_stream

COLUMNS = [
    # (header, values_list path)
    ("email", "subscriber__email"),
    ("language", "send__language"),
    ("status", "status"),
    ("accepted_at", "sent_at"),
    ("message_id", "message_id"),
    ("attempts", "attempts"),
    ("last_reply", "last_error"),
]
CHUNK_SIZE = 2000


def delivery_log_rows(send):
    paths = [path for _header, path in COLUMNS]
    rows = send.deliveries.order_by("pk").values_list(*paths).iterator(chunk_size=CHUNK_SIZE)
    return csv_stream([header for header, _path in COLUMNS], rows)


def delivery_log_response(send):
    response = StreamingHttpResponse(delivery_log_rows(send), content_type="text/csv")
    started = timezone.localtime(send.started_at)
    filename = f"deliveries-{send.issue.slug}-{send.language}-{started:%Y-%m-%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
