#!/usr/bin/env bash
# The image's runtime, made from the building JDK because no base image can be pulled here: a jlinked JRE
# (no compiler, no jmods, no headers or man pages) in /opt/java, the shared libraries it loads copied from this
# machine (found with ldd) at the same paths, a passwd entry for the numeric user, and the writable directories.
#   runtime.sh OUT_DIR JAVA_HOME
set -euo pipefail
out="$1"
jdk="$2"
modules="java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.jfr"
stamp="$out.modules"

# jlink is the slow part: made again only when the JDK or the module list changed
if [ ! -f "$out/opt/java/release" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$jdk $modules" ]; then
  rm -rf "$out"
  mkdir -p "$out/opt"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$out/opt/java"
  # only java itself: keytool, jrunscript, jfr and rmiregistry are tools, not the runtime
  find "$out/opt/java/bin" -type f ! -name java -delete
  echo "$jdk $modules" > "$stamp"
fi

# libraries of the JVM and of every native library but java.desktop's (AWT, fonts, sound, images), which a
# headless server never loads; libjvm.so is found inside the runtime, so ldd's "not found" for it is expected
libs=$( { ldd "$out/opt/java/bin/java"
  find "$out/opt/java/lib" -name '*.so' \
    | grep -v -E '/lib(awt|awt_headless|awt_xawt|fontmanager|jawt|jsound|lcms|javajpeg|mlib_image|splashscreen)\.so$' \
    | xargs -n1 ldd; } | awk '/=> \// {print $3} /^[[:space:]]*\/.*ld-linux/ {print $1}' | sort -u)
for lib in $libs; do
  case "$lib" in "$out"/*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# the loader at the path the ELF headers name (/lib64 is a link to /usr/lib64 or /lib on the build machine)
test -f "$out/lib64/ld-linux-x86-64.so.2"

mkdir -p "$out/etc" "$out/tmp/hitl" "$out/app"
printf 'root:x:0:0:root:/root:/sbin/nologin\nhitl:x:10001:10001:hitl:/app:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nhitl:x:10001:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
