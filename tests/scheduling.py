"""How `make test` shares the test files between its processes (pytest-xdist, --dist
loadfile: a file runs whole in one process, so its module fixtures are built once).

pytest-xdist hands the files out largest first, but measured in tests, and the costliest
files have few: the schema fuzz is two tests (each operation a subtest), the load test one.
They came last and ran for minutes while the other process had nothing left to do. Here the
files go out by their cost instead (longest first, so that the short ones fill the end),
and the files that share one session-scoped scene go to the same process: the site audit,
built in a couple of minutes, was otherwise built by both.

The costs are rough seconds measured with `--durations` on two cores; they only order the
files, so a stale figure costs some balance, never a test.
"""

from xdist.scheduler import LoadFileScheduling

# Modules asserting on one session-scoped scene, built once per process.
SHARED_SCENES = {
    "tests/audit/test_personal_data.py": "tests/audit/site.py",
    "tests/audit/test_xss.py": "tests/audit/site.py",
    "tests/audit/test_exports.py": "tests/audit/site.py",
}

# Files (or groups) far costlier than their count of tests says.
COSTS = {
    "tests/api/test_schema_fuzz.py": 260,
    "tests/api/test_schema_fuzz_personas.py": 165,
    "tests/security/test_access_matrix.py": 150,
    "tests/load/test_loadtest.py": 100,
    "tests/audit/site.py": 80,
    "tests/security/test_chinese.py": 55,
    "tests/core/test_faults.py": 55,
    "tests/security/test_admin_matrix.py": 40,
}
# A browser journey drives Chromium against a live server and commits.
FOLDER_COST_PER_TEST = {"tests/browser/": 8.0}
COST_PER_TEST = 0.25


def cost(scope: str, tests: int) -> float:
    if scope in COSTS:
        return COSTS[scope]
    per_test = next(
        (each for folder, each in FOLDER_COST_PER_TEST.items() if scope.startswith(folder)),
        COST_PER_TEST,
    )
    return per_test * tests


class CostliestFirst(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        scope = super()._split_scope(nodeid)
        return SHARED_SCENES.get(scope, scope)

    def schedule(self) -> None:
        if self.collection is None and self.collection_is_completed:
            if not self._check_nodes_have_same_collection():
                self.log("**Different tests collected, aborting run**")
                return
            self.collection = list(next(iter(self.registered_collections.values())))
            units: dict[str, dict[str, bool]] = {}
            for nodeid in self.collection:
                units.setdefault(self._split_scope(nodeid), {})[nodeid] = False
            for scope in sorted(units, key=lambda scope: -cost(scope, len(units[scope]))):
                self.workqueue[scope] = units[scope]
        # With the queue in place, the base class hands each process its first units.
        super().schedule()
