from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class NoCountPaginator(Paginator):
    """Paginates an ever-growing table without COUNT(*): it reads one row more than a page
    to know whether a next page exists, and never knows the total."""

    @cached_property
    def count(self):
        raise NotImplementedError("NoCountPaginator does not count")

    @property
    def num_pages(self):
        return None  # unknown, on purpose

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        return max(number, 1)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return NoCountPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class NoCountPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self):
        return self._has_more

    def has_other_pages(self):
        return self._has_more or self.number > 1
