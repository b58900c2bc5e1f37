"""Lists people can use: sorted by a column they click, cut into pages, and exported as CSV
with the same rows and columns (``?format=csv``), over any queryset a selector gives.

A view declares its ``Column``s once; the page's header links sort (``?sort=rate``, again for
descending), the template ``web/_list_head.html`` draws them and ``web/_list_foot.html`` the pages
and the export link."""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.functional import Promise

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    key: str  # in the URL: ?sort=<key> or ?sort=-<key>
    label: Promise | str
    value: Callable[[Any], object]  # the cell as exported
    order_by: str | None = None  # the ORM field it sorts by; None: not sortable
    numeric: bool = False


@dataclass(frozen=True)
class Header:
    column: Column
    sort_link: str | None  # the ?sort= value a click asks for
    arrow: str  # "▲" / "▼" on the column sorted by


@dataclass(frozen=True)
class ListShown:
    page: Page
    headers: list[Header]
    sort: str

    @property
    def rows(self) -> Any:
        """Every row, in the order shown (what the CSV export writes)."""
        return self.page.paginator.object_list


def list_shown(request: HttpRequest, rows: QuerySet[Any], columns: list[Column], *,
               default_sort: str, page_size: int = PAGE_SIZE) -> ListShown:
    sort = request.GET.get("sort", default_sort)
    by_key = {column.key: column for column in columns if column.order_by}
    chosen = by_key.get(sort.lstrip("-"))
    if chosen is None:
        sort, chosen = default_sort, by_key[default_sort.lstrip("-")]
    descending = sort.startswith("-")
    assert chosen.order_by is not None
    ordered = rows.order_by(("-" if descending else "") + chosen.order_by, "-pk")
    headers = [Header(column, None if column.order_by is None else
                      ("-" if column is chosen and not descending else "") + column.key,
                      ("▼" if descending else "▲") if column is chosen else "")
               for column in columns]
    return ListShown(Paginator(ordered, page_size).get_page(request.GET.get("page")), headers,
                     sort)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Any], columns: list[Column], *,
                 filename: str) -> StreamingHttpResponse:
    """Every row (not one page), streamed; a byte-order mark so spreadsheets read Chinese."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(column.label) for column in columns])
        for row in rows:
            yield writer.writerow([_cell(column.value(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # a cell a spreadsheet would run as a formula is written as text
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def progress_of(done: int, total: int) -> tuple[int, str]:
    """A share for a progress bar (``<progress>``, accessible as it is): whole percent, and
    the text written beside it."""
    if total <= 0:
        return 0, "0 %"
    percent = min(100, done * 100 // total)
    return percent, f"{percent} %"
