"""Parts kits: what a visit needs against what the technician's van holds."""

from collections.abc import Hashable, Mapping


def missing_parts(
    needed: Mapping[Hashable, float], on_hand: Mapping[Hashable, float]
) -> dict[Hashable, float]:
    """The quantity missing per product (only products that lack something)."""
    missing = {}
    for product, quantity in needed.items():
        lacking = quantity - max(on_hand.get(product, 0.0), 0.0)
        if lacking > 1e-9:
            missing[product] = lacking
    return missing


def best_pickup(
    missing: Mapping[Hashable, float],
    stock_by_place: Mapping[Hashable, Mapping[Hashable, float]],
    distance_to: Mapping[Hashable, float],
) -> Hashable | None:
    """The nearest place that holds every missing part, else the one covering the most parts.

    ``stock_by_place`` maps a place to its quantities per product; ``distance_to`` maps a place
    to its distance from the technician (unknown distances sort last).
    """
    if not missing:
        return None

    def covered(place):
        stock = stock_by_place[place]
        return sum(1 for product, qty in missing.items() if stock.get(product, 0.0) >= qty)

    places = [place for place in stock_by_place if covered(place)]
    if not places:
        return None
    return min(places, key=lambda p: (-covered(p), distance_to.get(p, float("inf")), str(p)))
