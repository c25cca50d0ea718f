-- Announces a replica alive until now + ttl (Redis time) and forgets those whose heartbeat expired.
-- KEYS[1]: podtally:replicas (sorted set, member replica id, score expiry in epoch ms)
-- ARGV: replica id, ttl ms. Returns the replicas alive.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
return redis.call('ZCARD', KEYS[1])
