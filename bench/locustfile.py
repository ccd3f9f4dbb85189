# Copyright (c) RaftCache contributors. Licensed under the MIT License.
"""Load test of RaftCache through its gateway, as simple cache services are load-tested.

Each user writes, reads (use_cache=true: the answering replica; use_cache=false: linearizable through the
leader) and deletes session-sized values (1 KiB JSON) under its own keys. Run headless with Debian's
python3-locust, e.g. (bench/run-locust.sh starts a dev cluster and does this):

    RAFTCACHE_KEY=<admin key> locust -f bench/locustfile.py --headless -u 40 -r 10 -t 60s \
        --host http://127.0.0.1:5000 --only-summary --csv /tmp/raftcache-locust
"""
import os
import random
import string

from locust import HttpUser, between, task

VALUE = "".join(random.choices(string.ascii_letters, k=1000))
KEYS_PER_USER = 200


class CacheUser(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        key = os.environ.get("RAFTCACHE_KEY")
        self.headers = {"X-Api-Key": key} if key else {}
        self.prefix = "locust:%08x:" % random.getrandbits(32)
        self.written = []

    def key(self):
        return self.prefix + str(random.randrange(KEYS_PER_USER))

    @task(4)
    def put(self):
        key = self.key()
        response = self.client.put("/keys/" + key, json={"data": {"session": VALUE}, "ttl_seconds": 600},
                                   headers=self.headers, name="PUT /keys/[key]")
        if response.status_code == 200:
            self.written.append(key)

    @task(4)
    def get_cached(self):
        self.read("true")

    @task(4)
    def get_uncached(self):
        self.read("false")

    @task(1)
    def delete(self):
        if self.written:
            key = self.written.pop(random.randrange(len(self.written)))
            self.client.delete("/keys/" + key, headers=self.headers, name="DELETE /keys/[key]")

    def read(self, use_cache):
        if not self.written:
            return
        key = random.choice(self.written)
        name = "GET /keys/[key]?use_cache=" + use_cache
        # A deleted key answers 404 with body null: expected here, since deletes race with reads of other keys only.
        with self.client.get("/keys/%s?use_cache=%s" % (key, use_cache), headers=self.headers, name=name,
                             catch_response=True) as response:
            if response.status_code in (200, 404):
                response.success()
