-- Announces a replica alive until now + ttl (Redis time), forgets those whose heartbeat expired, and counts the
-- replicas up for the settling time.
-- KEYS[1]: podtally:replicas (sorted set, member "<replica id> <up since, epoch ms>", score: expiry in epoch ms)
-- ARGV: replica id, ttl ms, up since (epoch ms; '' on the replica's first heartbeat: now), settling time ms.
-- Returns {alive, settled, up since, this replica settled 1/0}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local since = tonumber(ARGV[3]) or now
local settled_before = now - tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1] .. ' ' .. since)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local settled = 0
for _, member in ipairs(members) do
  local up = tonumber(string.match(member, ' (%d+)$'))
  if up and up <= settled_before then
    settled = settled + 1
  end
end
return {#members, settled, since, since <= settled_before and 1 or 0}
