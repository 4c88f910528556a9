"""Products: sellers list them, buyers browse the storefront with filters, sorting and cursor pages."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.catalog import CREATE_PRODUCT, add_product, product_input
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop

PRODUCT = "query($id: ID!) { product(id: $id) { id name price stock isActive unitPrice { price per } shop { name } category { slug parent { slug } } } }"
PRODUCTS = """
query($f: ProductFilterInput, $sort: ProductSort! = NEWEST, $first: Int, $after: String) {
  products(filter: $f, sort: $sort, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name price } }
  }
}
"""
UPDATE_PRODUCT = """
mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { product { id name price isActive } errors { code field message } } }
"""
SET_STOCK = "mutation($id: ID!, $s: Int!) { setStock(id: $id, stock: $s) { product { stock } errors { code field message } } }"


async def _market(api: Api):  # type: ignore[no-untyped-def]
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    klojen = await verified_shop(api, seller, officer, kecamatan="Klojen", kelurahan="Kauman")
    sukun = await verified_shop(api, seller, officer, kecamatan="Sukun", kelurahan="Gadang")
    products = {
        "beras": await add_product(api, seller, klojen["id"], name="Beras Medium 5 kg", price=67500),
        "minyak": await add_product(api, seller, klojen["id"], category="minyak-goreng", name="MinyaKita 1 L",
                                    unit="LITRE", packSize=1, price=15700),
        "telur": await add_product(api, seller, sukun["id"], category="telur", name="Telur Ayam Ras 1 tray",
                                   unit="TRAY", packSize=1, netWeightGrams=1800, price=49500, stock=0),
        "batik": await add_product(api, seller, sukun["id"], category="fashion", name="Batik Malangan",
                                   unit="PIECE", packSize=1, price=185000),
    }
    return seller, officer, klojen, sukun, products


async def test_price_per_kg_or_litre_makes_pack_sizes_comparable(api: Api) -> None:
    _, _, _, _, p = await _market(api)
    assert (await api.gql(PRODUCT, {"id": p["beras"]["id"]}))["product"]["unitPrice"] == {"price": 13500, "per": "KG"}
    assert (await api.gql(PRODUCT, {"id": p["minyak"]["id"]}))["product"]["unitPrice"] == {"price": 15700, "per": "LITRE"}
    assert (await api.gql(PRODUCT, {"id": p["telur"]["id"]}))["product"]["unitPrice"] == {"price": 27500, "per": "KG"}
    assert (await api.gql(PRODUCT, {"id": p["batik"]["id"]}))["product"]["unitPrice"] is None


async def test_product_knows_its_shop_and_category_tree(api: Api) -> None:
    _, _, klojen, _, p = await _market(api)
    klojen_name = (await api.gql("query($id: ID!) { shop(id: $id) { name } }", {"id": klojen["id"]}))["shop"]["name"]
    product = (await api.gql(PRODUCT, {"id": p["beras"]["id"]}))["product"]
    assert product["category"] == {"slug": "beras", "parent": {"slug": "sembako"}}
    assert product["shop"]["name"] == klojen_name


async def test_category_filter_includes_subcategories(api: Api) -> None:
    _, _, _, _, p = await _market(api)
    sembako = (await api.gql(PRODUCTS, {"f": {"category": "sembako"}}))["products"]
    assert {e["node"]["id"] for e in sembako["edges"]} == {p["beras"]["id"], p["minyak"]["id"], p["telur"]["id"]}
    assert sembako["totalCount"] == 3


async def test_filters_combine(api: Api) -> None:
    _, _, klojen, _, p = await _market(api)
    cases = [
        ({"kecamatan": "sukun"}, {p["telur"]["id"], p["batik"]["id"]}),
        ({"shopId": klojen["id"]}, {p["beras"]["id"], p["minyak"]["id"]}),
        ({"minPrice": 15000, "maxPrice": 70000}, {p["beras"]["id"], p["minyak"]["id"], p["telur"]["id"]}),
        ({"text": "batik"}, {p["batik"]["id"]}),
        ({"inStock": True, "kecamatan": "Sukun"}, {p["batik"]["id"]}),
        ({"inStock": False}, {p["telur"]["id"]}),
    ]
    for flt, expected in cases:
        found = {e["node"]["id"] for e in (await api.gql(PRODUCTS, {"f": flt}))["products"]["edges"]}
        assert found == expected, flt


async def test_sorting_by_price_both_ways(api: Api) -> None:
    await _market(api)
    ascending = [e["node"]["price"] for e in (await api.gql(PRODUCTS, {"sort": "PRICE_ASC"}))["products"]["edges"]]
    descending = [e["node"]["price"] for e in (await api.gql(PRODUCTS, {"sort": "PRICE_DESC"}))["products"]["edges"]]
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True) and len(ascending) == 4


async def test_cursor_pages_cover_every_product_once(api: Api) -> None:
    await _market(api)
    seen, after = [], None
    while True:
        page = (await api.gql(PRODUCTS, {"first": 3, "after": after, "sort": "PRICE_ASC"}))["products"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 4


async def test_page_size_is_capped_and_bad_arguments_are_named(api: Api) -> None:
    for variables, field in [({"first": 101}, "first"), ({"first": -1}, "first"), ({"after": "bogus"}, "after"),
                             ({"f": {"kecamatan": "Jakarta"}}, "kecamatan"), ({"f": {"category": "mobil"}}, "category"),
                             ({"f": {"minPrice": 10, "maxPrice": 5}}, "minPrice")]:
        body = await api.post(PRODUCTS, variables)
        assert body["errors"][0]["extensions"]["field"][-1] == field, variables


async def test_hidden_products_stay_hidden_from_buyers_but_not_from_their_seller(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    await api.ok(UPDATE_PRODUCT, {"id": product["id"], "input": {"isActive": False}}, seller.token)
    assert (await api.gql(PRODUCT, {"id": product["id"]}))["product"] is None
    assert (await api.gql(PRODUCTS))["products"]["totalCount"] == 0
    assert (await api.gql(PRODUCT, {"id": product["id"]}, seller.token))["product"]["isActive"] is False


async def test_products_of_an_unverified_shop_are_not_on_sale(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    shop = (await api.ok("mutation($i: ShopInput!) { createShop(input: $i) { shop { id } errors { code field message } } }",
                         {"i": {"name": "Toko Baru", "kecamatan": "Blimbing", "kelurahan": "Polehan", "address": "Jl. A",
                                "phone": "081234567890", "nib": "1234567890123"}}, seller.token))["shop"]
    product = await add_product(api, seller, shop["id"])
    assert (await api.gql(PRODUCT, {"id": product["id"]}))["product"] is None
    assert (await api.gql(PRODUCT, {"id": product["id"]}, seller.token))["product"]["id"] == product["id"]


async def test_product_input_is_checked_field_by_field(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    bad = product_input(category="mobil", price=0, stock=-3, packSize=0, imageUrls=["ftp://x"])
    errors = await api.fails(CREATE_PRODUCT, {"shopId": shop["id"], "input": bad}, seller.token)
    assert {e["field"][-1] for e in errors} == {"category", "price", "stock", "packSize", "imageUrls"}


async def test_money_must_be_whole_rupiah(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    body = await api.post(CREATE_PRODUCT, {"shopId": shop["id"], "input": product_input(price=67500.5)}, seller.token)
    assert "whole number of rupiah" in body["errors"][0]["message"]


async def test_only_the_owner_edits_a_product_or_its_stock(api: Api) -> None:
    seller, other, officer = await sign_up(api, "SELLER"), await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    assert (await api.fails(SET_STOCK, {"id": product["id"], "s": 5}, other.token))[0]["code"] == "NOT_FOUND"
    assert (await api.fails(CREATE_PRODUCT, {"shopId": shop["id"], "input": product_input()}, other.token))[0]["code"] == "NOT_FOUND"
    assert (await api.ok(SET_STOCK, {"id": product["id"], "s": 5}, seller.token))["product"]["stock"] == 5
    assert (await api.fails(SET_STOCK, {"id": product["id"], "s": -1}, seller.token))[0]["field"] == ["stock"]
    updated = await api.ok(UPDATE_PRODUCT, {"id": product["id"], "input": {"price": 69000}}, seller.token)
    assert updated["product"]["price"] == 69000


async def test_categories_form_a_tree_with_sembako_staples(api: Api) -> None:
    tree = (await api.gql("{ categories { slug children { slug } } }"))["categories"]
    sembako = next(c for c in tree if c["slug"] == "sembako")
    assert {c["slug"] for c in sembako["children"]} == {"beras", "minyak-goreng", "telur", "gula"}
    assert {"kuliner", "kerajinan", "fashion"} <= {c["slug"] for c in tree}


def _every_field(type_name: str, nested: dict[str, str]) -> str:
    """Every field of a type from the schema: leaves by name, the others as given (a field neither a leaf nor given
    fails the test, so a new field gets compared too)."""
    from graphql import get_named_type, is_leaf_type

    from umkm_graph.graphql_schema import build_schema

    fields = build_schema()._schema.get_type(type_name).fields  # type: ignore[union-attr]
    parts = []
    for name, field in fields.items():
        if name in nested:
            parts.append(nested[name])
        else:
            assert is_leaf_type(get_named_type(field.type)), f"{type_name}.{name}: say how to select it"
            parts.append(name)
    return " ".join(parts)


async def test_the_storefront_list_answers_every_field_as_the_single_product_does(api: Api) -> None:
    """The list reads only the selected fields' columns into plain rows; whatever is selected, each product and its
    shop read the same as through product(id), which loads whole models."""
    seller, _, _, _, p = await _market(api)
    shop_fields = _every_field("Shop", {"deliveryFees": "deliveryFees { kecamatan fee }",
                                        "products": "products(first: 1) { totalCount }",
                                        "reviews": "reviews(first: 1) { totalCount }",
                                        "identityChange": "identityChange { status nib }",
                                        "certificates": "certificates { kind number givesBadge }"})
    product_fields = _every_field("Product", {
        "unitPrice": "unitPrice { price per }", "category": "category { slug parent { slug } }",
        "priceRange": "priceRange { min max }", "bestUnitPrice": "bestUnitPrice { price per }",
        "variants": "variants(includeInactive: true) { id label sku packSize price stock unitPrice isActive }",
        "reviews": "reviews(first: 1) { totalCount }", "shop": f"shop {{ {shop_fields} }}",
        "photos": "photos { id width height url thumb: url(size: THUMB) }"})
    selections = [product_fields, "id name price shop { name kecamatan } rating reviewCount",
                  "id __typename kind: unit ...P shop { ... on Shop { npwp } }", "id unitPrice { per }", "id"]
    fragment = "fragment P on Product { createdAt imageUrls packSize shop { deliveryFees { fee } } }"
    for token in (None, seller.token):  # the owner also sees the shop's npwp
        for selection in selections:
            used = fragment if "...P" in selection else ""
            listed = await api.gql(f"query {{ products(sort: PRICE_ASC, first: 10) {{ edges {{ node {{ {selection} }} }} }} }} {used}",
                                  token=token)
            nodes = [edge["node"] for edge in listed["products"]["edges"]]
            assert len(nodes) == len(p)
            for node in nodes:
                single = await api.gql(f"query($id: ID!) {{ product(id: $id) {{ {selection} }} }} {used}", {"id": node["id"]},
                                      token=token)
                assert single["product"] == node and list(single["product"]) == list(node)


async def test_each_filter_shape_answers_right_for_any_values(api: Api) -> None:
    """The listing keeps each filter shape's statement once built; later requests of that shape, with other values
    (equal ones too, and values in another order), still filter, sort and page by their own values."""
    _, _, klojen, sukun, p = await _market(api)
    query = """query($f: ProductFilterInput, $first: Int, $after: String) { products(filter: $f, sort: PRICE_ASC,
               first: $first, after: $after) { edges { cursor node { name price shop { kecamatan } } } } }"""
    listing = {name: (int(product["price"]), "Klojen" if name in ("beras", "minyak") else "Sukun", product["name"])
               for name, product in p.items()}
    stock = {"beras": 20, "minyak": 20, "telur": 0, "batik": 20}
    cases = [({"minPrice": low, "maxPrice": high}, lambda n, low=low, high=high: low <= listing[n][0] <= high)
             for low, high in ((15000, 70000), (49500, 49500), (50000, 200000), (15700, 185000), (1, 15700))]
    cases += [({"kecamatan": k, "inStock": s}, lambda n, k=k, s=s: listing[n][1] == k and (stock[n] > 0) == s)
              for k in ("Sukun", "Klojen") for s in (True, False)]
    cases += [({"shopId": shop["id"], "minPrice": 15700}, lambda n, k=shop["kecamatan"]: listing[n][1] == k and listing[n][0] >= 15700)
              for shop in (klojen, sukun)]
    cases += [({"category": c}, lambda n, c=c: (c == "sembako" and n != "batik") or (c == "fashion" and n == "batik"))
              for c in ("fashion", "sembako")]
    for flt, wanted in cases:
        expected = sorted((listing[n][0], listing[n][2]) for n in p if wanted(n))
        for first in (10, 1):  # whole, then page by page (an offset is part of the shape)
            found, after = [], None
            while True:
                edges = (await api.gql(query, {"f": flt, "first": first, "after": after}))["products"]["edges"]
                found += [(int(e["node"]["price"]), e["node"]["name"]) for e in edges]
                if len(edges) < first or not edges:
                    break
                after = edges[-1]["cursor"]
            assert found == expected, (flt, first)


async def test_a_repeated_document_answers_its_own_variables_each_time(api: Api) -> None:
    """The same document, again and again: what @include and @skip select follows each request's variables."""
    await _market(api)
    query = """query($shop: Boolean!, $price: Boolean!) { products(sort: PRICE_ASC, first: 2) { edges { node {
               name shop @include(if: $shop) { kecamatan } ... on Product { price @skip(if: $price) } } } } }"""
    for shop, price in ((True, False), (False, True), (True, True), (False, False), (True, False)):
        nodes = [e["node"] for e in (await api.gql(query, {"shop": shop, "price": price}))["products"]["edges"]]
        wanted = ["name", *(["shop"] if shop else []), *([] if price else ["price"])]
        assert [list(node) for node in nodes] == [wanted, wanted], (shop, price)
        assert nodes[0]["name"] == "MinyaKita 1 L" and (not shop or nodes[0]["shop"] == {"kecamatan": "Klojen"})
