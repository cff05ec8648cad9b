"""Service topologies for the simulator: who calls whom, per operation.

A topology is services with operations; each operation makes calls (in order) to other
services' operations or to datastores. Entry operations are what users do, with weights.
The topologies here are Online Boutique and Sock Shop, written from their public
architectures, and generated systems shaped like the published Alibaba call-graph
statistics (entry / middle / leaf mix, heavy-tailed fan-out, shared datastores).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np


@dataclass(frozen=True)
class Call:
    """One call an operation makes: to `target` (a service or a datastore)."""

    target: str
    operation: str
    probability: float = 1.0  # the call is made in this share of requests


@dataclass
class Service:
    name: str
    operations: Dict[str, List[Call]]
    self_ms: float = 2.0  # median exclusive time of a request
    replicas: int = 2
    language: str = "go"


@dataclass
class Datastore:
    """A database, cache or queue: an uninstrumented peer of the services that use it."""

    name: str
    system: str  # db.system.name (postgresql, redis, mongodb, mysql) or a messaging system
    kind: str = "database"  # database | cache | queue
    latency_ms: float = 1.0
    namespace: str = ""  # db.namespace
    # A queue's consumer: (service, operation) run for every message, asynchronously.
    consumer: Optional[Tuple[str, str]] = None


@dataclass
class Topology:
    name: str
    services: Dict[str, Service]
    datastores: Dict[str, Datastore]
    entries: List[Tuple[str, str, float]]  # (service, operation, weight)
    namespace: str = "default"

    def callers_of(self, target: str) -> List[Tuple[str, str]]:
        """(service, operation) pairs that call `target`."""
        out = []
        for s in self.services.values():
            for op, calls in s.operations.items():
                if any(c.target == target for c in calls):
                    out.append((s.name, op))
        return out

    def validate(self) -> None:
        for s in self.services.values():
            for op, calls in s.operations.items():
                for c in calls:
                    if c.target in self.services:
                        if c.operation not in self.services[c.target].operations:
                            raise ValueError(f"{s.name}.{op} calls unknown {c.target}.{c.operation}")
                    elif c.target not in self.datastores:
                        raise ValueError(f"{s.name}.{op} calls unknown {c.target}")
        for svc, op, _ in self.entries:
            if op not in self.services[svc].operations:
                raise ValueError(f"unknown entry {svc}.{op}")
        for d in self.datastores.values():
            if d.consumer and d.consumer[1] not in self.services[d.consumer[0]].operations:
                raise ValueError(f"{d.name}: unknown consumer {d.consumer}")


def _svc(name, ops, self_ms=2.0, replicas=2, language="go"):
    return Service(name, {op: list(calls) for op, calls in ops.items()}, self_ms, replicas, language)


def online_boutique() -> Topology:
    """Google's Online Boutique: 10 services behind the frontend, plus the cart's Redis."""
    C = Call
    pc = "productcatalogservice"
    services = [
        _svc("frontend", {
            "GET /": [C("currencyservice", "GetSupportedCurrencies"), C(pc, "ListProducts"),
                      C("cartservice", "GetCart"), C("adservice", "GetAds")],
            "GET /product/{id}": [C(pc, "GetProduct"), C("currencyservice", "Convert"),
                                  C("cartservice", "GetCart"),
                                  C("recommendationservice", "ListRecommendations"),
                                  C("adservice", "GetAds")],
            "POST /cart": [C(pc, "GetProduct"), C("cartservice", "AddItem")],
            "GET /cart": [C("cartservice", "GetCart"),
                          C("recommendationservice", "ListRecommendations"),
                          C("shippingservice", "GetQuote"), C("currencyservice", "Convert")],
            "POST /cart/checkout": [C("checkoutservice", "PlaceOrder"),
                                    C("recommendationservice", "ListRecommendations")],
        }, self_ms=3.0, replicas=3),
        _svc("cartservice", {
            "GetCart": [C("redis-cart", "HGETALL")],
            "AddItem": [C("redis-cart", "HSET")],
            "EmptyCart": [C("redis-cart", "DEL")],
        }, self_ms=1.0, language="dotnet"),
        _svc(pc, {"ListProducts": [], "GetProduct": []}, self_ms=1.5),
        _svc("currencyservice", {"GetSupportedCurrencies": [], "Convert": []}, self_ms=0.8,
             language="nodejs"),
        _svc("recommendationservice", {"ListRecommendations": [C(pc, "ListProducts")]},
             self_ms=2.0, language="python"),
        _svc("adservice", {"GetAds": []}, self_ms=1.2, language="java"),
        _svc("shippingservice", {"GetQuote": [], "ShipOrder": []}, self_ms=1.0),
        _svc("paymentservice", {"Charge": []}, self_ms=1.5, language="nodejs"),
        _svc("emailservice", {"SendOrderConfirmation": []}, self_ms=3.0, language="python"),
        _svc("checkoutservice", {"PlaceOrder": [
            C("cartservice", "GetCart"), C(pc, "GetProduct"), C("currencyservice", "Convert"),
            C("shippingservice", "GetQuote"), C("paymentservice", "Charge"),
            C("shippingservice", "ShipOrder"), C("emailservice", "SendOrderConfirmation"),
            C("cartservice", "EmptyCart")]}, self_ms=2.0),
    ]
    topo = Topology(
        "online-boutique",
        {s.name: s for s in services},
        {"redis-cart": Datastore("redis-cart", "redis", "cache", 0.4)},
        [("frontend", "GET /", 0.35), ("frontend", "GET /product/{id}", 0.35),
         ("frontend", "POST /cart", 0.1), ("frontend", "GET /cart", 0.12),
         ("frontend", "POST /cart/checkout", 0.08)],
        namespace="boutique",
    )
    topo.validate()
    return topo


def sock_shop() -> Topology:
    """Weaveworks' Sock Shop: eight services, four databases and a RabbitMQ queue."""
    C = Call
    services = [
        _svc("front-end", {
            "GET /catalogue": [C("catalogue", "list")],
            "GET /detail": [C("catalogue", "get"), C("carts", "get")],
            "POST /cart": [C("catalogue", "get"), C("carts", "add")],
            "POST /orders": [C("orders", "create")],
            "POST /login": [C("user", "login")],
        }, self_ms=2.0, replicas=2, language="nodejs"),
        _svc("catalogue", {"list": [C("catalogue-db", "SELECT")],
                           "get": [C("catalogue-db", "SELECT")]}, self_ms=1.0),
        _svc("carts", {"get": [C("carts-db", "find")], "add": [C("carts-db", "update")],
                       "delete": [C("carts-db", "remove")]}, self_ms=1.5, language="java"),
        _svc("user", {"login": [C("user-db", "find")], "address": [C("user-db", "find")],
                      "card": [C("user-db", "find")]}, self_ms=1.0),
        _svc("orders", {"create": [C("user", "address"), C("user", "card"), C("carts", "get"),
                                   C("payment", "authorise"), C("shipping", "ship"),
                                   C("orders-db", "insert"), C("carts", "delete")]},
             self_ms=3.0, language="java"),
        _svc("payment", {"authorise": []}, self_ms=0.8),
        _svc("shipping", {"ship": [C("shipping-queue", "publish")]}, self_ms=1.0,
             language="java"),
        _svc("queue-master", {"consume": []}, self_ms=2.0, replicas=1, language="java"),
    ]
    stores = [
        Datastore("catalogue-db", "mysql", "database", 0.8, "socksdb"),
        Datastore("carts-db", "mongodb", "database", 0.7, "data"),
        Datastore("user-db", "mongodb", "database", 0.7, "users"),
        Datastore("orders-db", "mongodb", "database", 0.9, "data"),
        Datastore("shipping-queue", "rabbitmq", "queue", 0.3, consumer=("queue-master", "consume")),
    ]
    topo = Topology(
        "sock-shop", {s.name: s for s in services}, {d.name: d for d in stores},
        [("front-end", "GET /catalogue", 0.4), ("front-end", "GET /detail", 0.3),
         ("front-end", "POST /cart", 0.15), ("front-end", "POST /orders", 0.08),
         ("front-end", "POST /login", 0.07)],
        namespace="sock-shop",
    )
    topo.validate()
    return topo


def dowhy_shop() -> Topology:
    """The 11-node web shop of DoWhy's microservice root-cause example ("Finding the root
    cause of elevated latencies in a microservice architecture"): its causal graph read as
    calls (Website -> www -> API -> services -> databases; Product Service uses the Caching
    Service, which reads the Product DB)."""
    C = Call
    services = [
        _svc("website", {"GET /": [C("www", "serve")]}, self_ms=2.0),
        _svc("www", {"serve": [C("auth-service", "authenticate"), C("api", "handle")]},
             self_ms=1.0),
        _svc("api", {"handle": [C("customer-db", "SELECT"), C("product-service", "get"),
                                C("auth-service", "authenticate"),
                                C("order-service", "create", 0.3)]}, self_ms=1.5),
        _svc("auth-service", {"authenticate": [C("customer-db", "SELECT")]}, self_ms=1.0),
        _svc("product-service", {"get": [C("shipping-cost-service", "quote"),
                                         C("caching-service", "lookup"),
                                         C("customer-db", "SELECT")]}, self_ms=1.5),
        _svc("caching-service", {"lookup": [C("product-db", "SELECT")]}, self_ms=0.8),
        _svc("shipping-cost-service", {"quote": []}, self_ms=1.0),
        _svc("order-service", {"create": [C("order-db", "INSERT")]}, self_ms=1.5),
    ]
    stores = [Datastore("customer-db", "postgresql", "database", 1.0, "customers"),
              Datastore("product-db", "postgresql", "database", 1.2, "products"),
              Datastore("order-db", "postgresql", "database", 1.0, "orders")]
    topo = Topology("dowhy-shop", {s.name: s for s in services}, {d.name: d for d in stores},
                    [("website", "GET /", 1.0)], namespace="shop")
    topo.validate()
    return topo


def social_network() -> Topology:
    """DeathStarBench's social network: nginx in front of a dozen Thrift services, each
    with its MongoDB, Redis or Memcached, and the home-timeline fan-out through RabbitMQ."""
    C = Call
    services = [
        _svc("nginx-web-server", {
            "POST /wrk2-api/post/compose": [C("compose-post-service", "ComposePost")],
            "GET /wrk2-api/home-timeline/read": [C("home-timeline-service", "ReadHomeTimeline")],
            "GET /wrk2-api/user-timeline/read": [C("user-timeline-service", "ReadUserTimeline")],
            "POST /wrk2-api/user/follow": [C("social-graph-service", "Follow")],
            "POST /wrk2-api/user/login": [C("user-service", "Login")],
        }, self_ms=0.5, replicas=2, language="lua"),
        _svc("compose-post-service", {"ComposePost": [
            C("unique-id-service", "ComposeUniqueId"), C("text-service", "ComposeText"),
            C("media-service", "ComposeMedia"), C("user-service", "ComposeCreatorWithUserId"),
            C("post-storage-service", "StorePost"),
            C("user-timeline-service", "WriteUserTimeline"),
            C("write-home-timeline-rabbitmq", "publish")]}, self_ms=1.0, language="cpp"),
        _svc("text-service", {"ComposeText": [C("url-shorten-service", "ComposeUrls"),
                                              C("user-mention-service", "ComposeUserMentions")]},
             self_ms=0.6, language="cpp"),
        _svc("url-shorten-service", {"ComposeUrls": [C("url-shorten-mongodb", "insert")]},
             self_ms=0.4, language="cpp"),
        _svc("user-mention-service", {"ComposeUserMentions": [
            C("user-memcached", "get"), C("user-mongodb", "find", 0.2)]}, self_ms=0.4,
             language="cpp"),
        _svc("unique-id-service", {"ComposeUniqueId": []}, self_ms=0.2, language="cpp"),
        _svc("media-service", {"ComposeMedia": []}, self_ms=0.3, language="cpp"),
        _svc("user-service", {
            "ComposeCreatorWithUserId": [],
            "Login": [C("user-memcached", "get"), C("user-mongodb", "find", 0.3)],
        }, self_ms=0.5, language="cpp"),
        _svc("post-storage-service", {
            "StorePost": [C("post-storage-mongodb", "insert")],
            "ReadPosts": [C("post-storage-memcached", "get"), C("post-storage-mongodb", "find", 0.3)],
        }, self_ms=0.5, language="cpp"),
        _svc("user-timeline-service", {
            "WriteUserTimeline": [C("user-timeline-mongodb", "update"),
                                  C("user-timeline-redis", "ZADD")],
            "ReadUserTimeline": [C("user-timeline-redis", "ZREVRANGE"),
                                 C("post-storage-service", "ReadPosts")],
        }, self_ms=0.5, language="cpp"),
        _svc("home-timeline-service", {"ReadHomeTimeline": [
            C("home-timeline-redis", "ZREVRANGE"), C("post-storage-service", "ReadPosts")]},
             self_ms=0.5, language="cpp"),
        _svc("social-graph-service", {
            "Follow": [C("social-graph-mongodb", "update"), C("social-graph-redis", "ZADD")],
            "GetFollowers": [C("social-graph-redis", "ZRANGE")],
        }, self_ms=0.5, language="cpp"),
        _svc("write-home-timeline-service", {"FanOut": [
            C("social-graph-service", "GetFollowers"), C("home-timeline-redis", "ZADD")]},
             self_ms=0.8, language="cpp"),
    ]
    stores = [Datastore(n, sys_, kind, lat, ns) for n, sys_, kind, lat, ns in [
        ("url-shorten-mongodb", "mongodb", "database", 0.8, "url-shorten"),
        ("user-mongodb", "mongodb", "database", 0.8, "user"),
        ("user-memcached", "memcached", "cache", 0.2, ""),
        ("post-storage-mongodb", "mongodb", "database", 1.0, "post"),
        ("post-storage-memcached", "memcached", "cache", 0.2, ""),
        ("user-timeline-mongodb", "mongodb", "database", 0.9, "user-timeline"),
        ("user-timeline-redis", "redis", "cache", 0.3, ""),
        ("home-timeline-redis", "redis", "cache", 0.3, ""),
        ("social-graph-mongodb", "mongodb", "database", 0.9, "social-graph"),
        ("social-graph-redis", "redis", "cache", 0.3, "")]]
    stores.append(Datastore("write-home-timeline-rabbitmq", "rabbitmq", "queue", 0.3,
                            consumer=("write-home-timeline-service", "FanOut")))
    topo = Topology("social-network", {s.name: s for s in services}, {d.name: d for d in stores},
                    [("nginx-web-server", "GET /wrk2-api/home-timeline/read", 0.6),
                     ("nginx-web-server", "GET /wrk2-api/user-timeline/read", 0.25),
                     ("nginx-web-server", "POST /wrk2-api/post/compose", 0.1),
                     ("nginx-web-server", "POST /wrk2-api/user/follow", 0.03),
                     ("nginx-web-server", "POST /wrk2-api/user/login", 0.02)],
                    namespace="social-network")
    topo.validate()
    return topo


def train_ticket() -> Topology:
    """A Train-Ticket-sized railway booking system (FudanSELab's benchmark): 41 services
    under the UI gateway, most with a MongoDB of their own (about 60 entities), and its main
    flows: log in, search tickets, book, pay, cancel, rebook, collect and enter the station."""
    C = Call
    ts = lambda name: f"ts-{name}-service"  # noqa: E731
    svc: Dict[str, Dict[str, List[Call]]] = {}
    stores: Dict[str, Datastore] = {}

    def db(name):
        store = f"ts-{name}-mongo"
        stores.setdefault(store, Datastore(store, "mongodb", "database", 0.9, name))
        return C(store, "find")

    def op(service, operation, calls):
        svc.setdefault(ts(service), {})[operation] = calls

    op("verification-code", "verify", [])
    op("auth", "login", [C(ts("verification-code"), "verify"), db("auth")])
    op("user", "getUser", [db("user")])
    op("station", "queryByName", [db("station")])
    op("train", "queryTrain", [db("train")])
    op("route", "queryRoute", [db("route")])
    op("price", "queryPrice", [db("price")])
    op("config", "queryConfig", [db("config")])
    op("basic", "queryForTravel", [C(ts("station"), "queryByName"), C(ts("train"), "queryTrain"),
                                   C(ts("route"), "queryRoute"), C(ts("price"), "queryPrice")])
    op("ticketinfo", "queryForTravel", [C(ts("basic"), "queryForTravel")])
    op("order", "getSoldTickets", [db("order")])
    op("order", "create", [db("order")])
    op("order", "modify", [db("order")])
    op("order-other", "getSoldTickets", [db("order-other")])
    op("order-other", "create", [db("order-other")])
    op("seat", "getLeftTickets", [C(ts("order"), "getSoldTickets"), C(ts("config"), "queryConfig")])
    op("seat", "distributeSeat", [C(ts("order"), "getSoldTickets")])
    op("travel", "queryInfo", [C(ts("ticketinfo"), "queryForTravel"), C(ts("seat"), "getLeftTickets"),
                               C(ts("route"), "queryRoute"), db("travel")])
    op("travel2", "queryInfo", [C(ts("ticketinfo"), "queryForTravel"),
                                C(ts("order-other"), "getSoldTickets"), db("travel2")])
    op("travel-plan", "getCheapest", [C(ts("route-plan"), "cheapest"), C(ts("seat"), "getLeftTickets")])
    op("route-plan", "cheapest", [C(ts("travel"), "queryInfo"), C(ts("travel2"), "queryInfo")])
    op("security", "check", [C(ts("order"), "getSoldTickets"), C(ts("order-other"), "getSoldTickets"),
                             db("security")])
    op("contacts", "find", [db("contacts")])
    op("assurance", "create", [db("assurance")])
    op("food-map", "list", [db("food-map")])
    op("station-food", "list", [db("station-food")])
    op("train-food", "list", [db("train-food")])
    op("food", "getAll", [C(ts("food-map"), "list"), C(ts("station-food"), "list"),
                          C(ts("train-food"), "list"), C(ts("travel"), "queryInfo")])
    op("food", "createOrder", [db("food")])
    op("consign-price", "price", [db("consign-price")])
    op("consign", "create", [C(ts("consign-price"), "price"), db("consign")])
    op("notification", "send", [])
    op("preserve", "preserve", [
        C(ts("security"), "check"), C(ts("contacts"), "find"), C(ts("travel"), "queryInfo"),
        C(ts("seat"), "distributeSeat"), C(ts("user"), "getUser"), C(ts("order"), "create"),
        C(ts("assurance"), "create", 0.5), C(ts("food"), "createOrder", 0.4),
        C(ts("consign"), "create", 0.2), C(ts("notification"), "send")])
    op("preserve-other", "preserve", [
        C(ts("security"), "check"), C(ts("contacts"), "find"), C(ts("travel2"), "queryInfo"),
        C(ts("seat"), "distributeSeat"), C(ts("user"), "getUser"),
        C(ts("order-other"), "create"), C(ts("notification"), "send")])
    op("payment", "pay", [db("payment")])
    op("inside-payment", "pay", [C(ts("order"), "getSoldTickets"), C(ts("payment"), "pay"),
                                 C(ts("order"), "modify"), db("inside-payment")])
    op("cancel", "cancel", [C(ts("order"), "getSoldTickets"), C(ts("inside-payment"), "pay"),
                            C(ts("order"), "modify"), C(ts("user"), "getUser"),
                            C(ts("notification"), "send")])
    op("rebook", "rebook", [C(ts("order"), "getSoldTickets"), C(ts("travel"), "queryInfo"),
                            C(ts("seat"), "distributeSeat"), C(ts("inside-payment"), "pay"),
                            C(ts("order"), "modify")])
    op("execute", "collect", [C(ts("order"), "modify")])
    op("execute", "enter", [C(ts("order"), "modify")])
    op("news", "list", [])
    op("voucher", "get", [db("voucher")])
    op("ticket-office", "list", [db("ticket-office")])
    op("avatar", "upload", [])
    op("wait-order", "create", [db("wait-order")])
    op("delivery", "deliver", [db("delivery")])
    op("admin-basic-info", "list", [C(ts("station"), "queryByName"), C(ts("train"), "queryTrain"),
                                    C(ts("config"), "queryConfig"), C(ts("price"), "queryPrice")])
    op("admin-order", "list", [C(ts("order"), "getSoldTickets"),
                               C(ts("order-other"), "getSoldTickets")])
    op("admin-route", "list", [C(ts("route"), "queryRoute")])
    op("admin-travel", "list", [C(ts("travel"), "queryInfo"), C(ts("travel2"), "queryInfo")])
    op("admin-user", "list", [C(ts("user"), "getUser")])
    op("ui-dashboard", "POST /api/v1/users/login", [C(ts("auth"), "login")])
    op("ui-dashboard", "POST /api/v1/travelservice/trips/left",
       [C(ts("travel"), "queryInfo"), C(ts("travel2"), "queryInfo", 0.5)])
    op("ui-dashboard", "POST /api/v1/travelplanservice/travelPlan/cheapest",
       [C(ts("travel-plan"), "getCheapest")])
    op("ui-dashboard", "GET /api/v1/foodservice/foods", [C(ts("food"), "getAll")])
    op("ui-dashboard", "POST /api/v1/preserveservice/preserve", [C(ts("preserve"), "preserve")])
    op("ui-dashboard", "POST /api/v1/preserveotherservice/preserveOther",
       [C(ts("preserve-other"), "preserve")])
    op("ui-dashboard", "POST /api/v1/inside_pay_service/inside_payment",
       [C(ts("inside-payment"), "pay")])
    op("ui-dashboard", "GET /api/v1/cancelservice/cancel", [C(ts("cancel"), "cancel")])
    op("ui-dashboard", "POST /api/v1/rebookservice/rebook", [C(ts("rebook"), "rebook")])
    op("ui-dashboard", "GET /api/v1/executeservice/execute/collected", [C(ts("execute"), "collect")])
    op("ui-dashboard", "GET /api/v1/executeservice/execute/execute", [C(ts("execute"), "enter")])
    op("ui-dashboard", "GET /api/v1/newsservice/news", [C(ts("news"), "list")])
    op("ui-dashboard", "GET /api/v1/adminbasicservice/adminbasic", [C(ts("admin-basic-info"), "list")])
    op("ui-dashboard", "GET /api/v1/adminorderservice/adminorder", [C(ts("admin-order"), "list")])
    op("ui-dashboard", "GET /api/v1/adminrouteservice/adminroute", [C(ts("admin-route"), "list")])
    op("ui-dashboard", "GET /api/v1/admintravelservice/admintravel", [C(ts("admin-travel"), "list")])
    op("ui-dashboard", "GET /api/v1/adminuserservice/users", [C(ts("admin-user"), "list")])
    op("ui-dashboard", "GET /api/v1/consignservice/consigns", [C(ts("consign"), "create")])
    op("ui-dashboard", "GET /api/v1/assuranceservice/assurances/types", [C(ts("assurance"), "create")])
    op("ui-dashboard", "GET /api/v1/voucherservice/voucher", [C(ts("voucher"), "get")])
    op("ui-dashboard", "GET /api/v1/officeservice/office", [C(ts("ticket-office"), "list")])
    op("ui-dashboard", "POST /api/v1/avatar", [C(ts("avatar"), "upload")])
    op("ui-dashboard", "POST /api/v1/waitorderservice/order", [C(ts("wait-order"), "create")])
    op("ui-dashboard", "POST /api/v1/deliveryservice/delivery", [C(ts("delivery"), "deliver")])
    weights = {"login": 0.1, "trips/left": 0.3, "cheapest": 0.08, "foods": 0.06,
               "preserve": 0.1, "preserveOther": 0.04, "inside_payment": 0.08, "cancel": 0.03,
               "rebook": 0.02, "collected": 0.03, "execute/execute": 0.03}
    entries = []
    for operation in svc[ts("ui-dashboard")]:
        w = next((v for k, v in weights.items() if operation.endswith(k)), 0.01)
        entries.append((ts("ui-dashboard"), operation, w))
    services = {name: Service(name, ops, 1.5, 1 if name.startswith("ts-admin") else 2, "java")
                for name, ops in svc.items()}
    services[ts("ui-dashboard")].language = "nginx"
    topo = Topology("train-ticket", services, stores, entries, namespace="train-ticket")
    topo.validate()
    return topo


def generated(n_services: int, seed: int = 1) -> Topology:
    """A large system shaped like the Alibaba call-graph statistics.

    About 13 % entry, 39 % leaf and 48 % middle services; fan-out heavy-tailed (depth 1:
    mean about 3.6, p99 about 33; depth 2: mean about 4.9, p99 about 55; deeper: median 1,
    p90 6-12); call graphs are trees; leaves share databases and caches.
    """
    if n_services < 8:
        raise ValueError("a generated system needs at least 8 services")
    rng = np.random.default_rng(seed)
    n_entry = max(1, round(0.13 * n_services))
    n_leaf = max(1, round(0.39 * n_services))
    n_mid = n_services - n_entry - n_leaf
    names = [f"svc-{i:05d}" for i in range(n_services)]
    entry, mid, leaf = names[:n_entry], names[n_entry:n_entry + n_mid], names[n_entry + n_mid:]
    n_stores = max(2, n_services // 20)
    stores = {}
    for i in range(n_stores):
        system = ("postgresql", "redis", "mysql")[i % 3]
        kind = "cache" if system == "redis" else "database"
        stores[f"{system}-{i:04d}"] = Datastore(f"{system}-{i:04d}", system, kind,
                                                0.4 if kind == "cache" else 1.0, f"db{i}")
    store_names = list(stores)

    def fanout(depth: int) -> int:
        # Lognormal fits of the published quantiles (mean, p99) per depth.
        if depth == 1:
            k = rng.lognormal(math.log(2.0), 1.05)
        elif depth == 2:
            k = rng.lognormal(math.log(2.6), 1.1)
        else:
            k = rng.lognormal(0.0, 1.3) if rng.random() < 0.6 else 0
        return int(min(k, 60))

    services: Dict[str, Service] = {}
    for name in names:
        services[name] = Service(name, {}, float(rng.lognormal(math.log(1.5), 0.5)),
                                 int(rng.integers(1, 4)))

    def build(service: str, depth: int, budget: List[int]) -> str:
        """Adds an operation to `service` whose call tree starts at `depth`; returns it."""
        op = f"op{len(services[service].operations)}"
        calls: List[Call] = []
        services[service].operations[op] = calls
        if service in leaf or depth > 6 or budget[0] <= 0:
            if rng.random() < 0.7:
                calls.append(Call(store_names[int(rng.integers(len(store_names)))], "query"))
            return op
        for _ in range(fanout(depth)):
            if budget[0] <= 0:
                break
            budget[0] -= 1
            pool = leaf if (depth >= 3 or rng.random() < 0.45) else mid
            target = pool[int(rng.integers(len(pool)))]
            if target == service:
                continue
            calls.append(Call(target, build(target, depth + 1, budget)))
        return op

    entries = []
    for e in entry:
        for _ in range(int(rng.integers(1, 4))):
            op = build(e, 1, [120])
            entries.append((e, op, float(rng.pareto(1.5) + 0.1)))
    # Services no call tree reached still exist (idle): give them an operation.
    for s in services.values():
        if not s.operations:
            s.operations["op0"] = []
    total = sum(w for _, _, w in entries)
    entries = [(s, o, w / total) for s, o, w in entries]
    topo = Topology(f"generated-{n_services}", services, stores, entries, namespace="prod")
    topo.validate()
    return topo


TOPOLOGIES = {
    "online-boutique": online_boutique,
    "sock-shop": sock_shop,
    "dowhy-shop": dowhy_shop,
    "social-network": social_network,
    "train-ticket": train_ticket,
}


def by_name(name: str, seed: int = 1) -> Topology:
    if name in TOPOLOGIES:
        return TOPOLOGIES[name]()
    if name.startswith("generated-"):
        return generated(int(name.split("-", 1)[1]), seed)
    raise ValueError(f"unknown topology {name!r}: one of {sorted(TOPOLOGIES)} or generated-N")
