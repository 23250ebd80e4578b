from typing import TYPE_CHECKING, Any, NoReturn

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

if TYPE_CHECKING:
    # Generic in the stubs only: Django's Paginator takes no subscript at run time.
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


# Past any table, and past what the database takes as an OFFSET (a bigint): a page number
# beyond it reads nothing, rather than failing in the database.
LARGEST_OFFSET = 2**63 - 1


class NoCountPaginator(_Paginator):
    """Paginates an ever-growing table without COUNT(*): it reads one row more than a page
    to know whether a next page exists, and never knows the total."""

    @cached_property
    def count(self) -> NoReturn:
        raise NotImplementedError("NoCountPaginator does not count")

    @property
    def num_pages(self) -> None:  # type: ignore[override]  # Paginator's is a count
        return None  # unknown, on purpose

    def validate_number(self, number: str | float | None) -> int:
        if number is None:
            return 1
        try:
            whole = int(number)
        except (TypeError, ValueError):
            whole = 1
        return max(whole, 1)

    def page(self, number: str | float | None) -> "NoCountPage":
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page + 1 > LARGEST_OFFSET:
            return NoCountPage([], number, self, has_more=False)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return NoCountPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class NoCountPage(Page[Any]):
    def __init__(
        self, object_list: list[Any], number: int, paginator: NoCountPaginator, *, has_more: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more

    def has_other_pages(self) -> bool:
        return self._has_more or self.number > 1


class LastPageCountsPaginator(_Paginator):
    """Django's paginator, except that it reads the first page before it counts: a first
    page holding fewer rows than a page's worth is the whole list and tells the count
    itself. A list that fits on one page (a bureau's stations, a post's officers) then
    costs one query, not a COUNT(*) and the page (issue 21, item 4). Any other page counts
    first, as Django's does, to refuse a page past the end before reading it."""

    def page(self, number: int | str) -> Page[Any]:
        if number != 1 or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.count = len(rows)  # fills the cached_property
        return Page(rows, self.validate_number(1), self)
