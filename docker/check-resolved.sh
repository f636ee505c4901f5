#!/bin/sh
# Fails unless Package.resolved (just written by `swift package resolve`) pins exactly the versions
# of docker/dependencies.lock. Package.resolved stays out of git (the build machines' package copies
# carry their own commit ids), so the lock names versions, not commits: identity and version, one a
# line. A dependency that moved, appeared or left fails the image build; update the lock on purpose
# (README: Continuous delivery).
#   sh docker/check-resolved.sh Package.resolved docker/dependencies.lock
set -eu
resolved=$1
lock=$2
actual=$(awk -F'"' '/"identity"/ { id = $4 } /"version" : "/ { print id, $4 }' "$resolved" | sort)
expected=$(grep -v '^#' "$lock" | sed '/^$/d' | sort)
if [ "$actual" != "$expected" ]; then
  echo "Package.resolved does not match $lock:" >&2
  echo "--- resolved" >&2; echo "$actual" >&2
  echo "--- locked" >&2; echo "$expected" >&2
  exit 1
fi
echo "dependencies match $lock ($(echo "$actual" | wc -l) packages)"
