"""The contiguity of the mellanområden (``analysis.geography.neighbours``), on the real
polygons loaded by ``load_geography``."""

from analysis.geography import neighbours, restricted
from areas.models import IntermediateArea


def _by_name():
    return {area.name: area.pk for area in IntermediateArea.objects.all()}


def test_it_gives_every_mellanomrade_a_neighbour_none_is_an_island(geography):
    graph = neighbours()
    assert len(graph) == 36
    # The water belongs to the areas: Södra Skärgården borders on the mainland.
    assert all(graph[pk] for pk in graph)
    assert sum(len(others) for others in graph.values()) == 2 * 89


def test_it_is_symmetric_and_never_its_own_neighbour(geography):
    graph = neighbours()
    for pk, others in graph.items():
        assert pk not in others
        for other in others:
            assert pk in graph[other]


def test_it_finds_pairs_checked_on_the_map(geography):
    graph, pk = neighbours(), _by_name()
    # Across Göta älv: the river is split between the banks' areas.
    assert pk["Majorna-Stigberget-Masthugget"] in graph[pk["Norra Älvstranden"]]
    assert pk["Norra Centrum"] in graph[pk["Kvillebäcken"]]
    # Along a land border, and across the district border Nordost / Hisingen.
    assert pk["Kortedala"] in graph[pk["Bergsjön"]]
    assert pk["Backa"] in graph[pk["Södra Angered"]]
    assert pk["Södra Skärgården"] in graph[pk["Billdal"]]
    # Far apart.
    assert pk["Billdal"] not in graph[pk["Norra Angered"]]
    assert pk["Kortedala"] not in graph[pk["Norra Centrum"]]
    assert graph[pk["Norra Angered"]] == {pk["Centrala Angered"], pk["Östra Angered"]}


def test_it_recomputes_when_a_polygon_changes(geography):
    pk = _by_name()
    assert pk["Billdal"] in neighbours()[pk["Södra Skärgården"]]
    # Moved far out to sea (as a reload with other polygons would, by a bulk update).
    ring = [[9.0, 56.0], [9.01, 56.0], [9.01, 56.01], [9.0, 56.0]]
    far = {"type": "Polygon", "coordinates": [ring]}
    IntermediateArea.objects.filter(pk=pk["Billdal"]).update(boundary=far)
    graph = neighbours()
    assert graph[pk["Billdal"]] == frozenset()
    assert pk["Billdal"] not in graph[pk["Södra Skärgården"]]


def test_it_keeps_only_the_areas_analysed_when_restricted(geography):
    graph, pk = neighbours(), _by_name()
    nordost = set(
        IntermediateArea.objects.filter(district__name="Nordost").values_list("pk", flat=True)
    )
    inside = restricted(graph, nordost)
    assert set(inside) == nordost
    assert pk["Backa"] not in inside[pk["Södra Angered"]]
    assert all(others <= nordost for others in inside.values())
