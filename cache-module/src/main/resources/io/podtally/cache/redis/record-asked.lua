-- Records when clusters were last asked for: an older time never replaces a newer one (ZADD GT).
-- KEYS[1]: podtally:recent-clusters
-- ARGV: cutoff ms (members scored below it are removed), retention ms, then score/member pairs.
-- Returns the members left.
local i = 3
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('ZADD', KEYS[1], 'GT', unpack(ARGV, i, last))
  i = last + 1
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
