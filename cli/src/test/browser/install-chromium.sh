#!/bin/sh
# Installs Debian's chromium for the browser test (HtmlReportIT), only when it is missing. Run by the build (cli's pom);
# CI runs as root on Debian. Never a browser downloaded by a test tool: playwright-core drives this binary.
set -eu
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
echo "installing Debian's chromium for the browser test (apt-get)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version
