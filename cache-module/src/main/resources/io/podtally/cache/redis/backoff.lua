-- Records a failed or partial refresh; leaves the counts as they are.
-- KEYS[1]: podtally:{C}:podcounts
-- ARGV: next_attempt (epoch ms), failures, retention ms (applied when the key has no expiry yet), then the failure's
-- category and time (epoch ms), both '' to keep the recorded ones.
redis.call('HSET', KEYS[1], '@next_attempt', ARGV[1], '@failures', ARGV[2])
if ARGV[5] and ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], '@last_error', ARGV[4], '@last_error_at', ARGV[5])
end
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
