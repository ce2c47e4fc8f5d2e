# expect: timeout
# select() with a long timeout also ends up in poll_oneoff.
import select
select.select([], [], [], 10 ** 6)
