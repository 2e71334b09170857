#!/usr/bin/env bash
# The layering check: every `#include "folder/..."` in src/ must name the including folder itself
# or one that folder declares as a dependency, and a folder may depend only on folders declared
# before it. CMakeLists.txt declares the layers (own_layer) and runs this before every build, so
# an include that goes up the order fails the build.
#
#   scripts/check_layers.sh SRC_DIR name:dep,dep ... (in build order; a name with no deps is "name:")
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 SRC_DIR name:dep,dep ... (layers in build order)" >&2
  exit 2
fi
src=$1
shift
declare -A allowed=() seen=()
order=()
bad=0
for spec in "$@"; do
  name=${spec%%:*}
  deps=${spec#*:}
  [ "$deps" = "$spec" ] && deps=""
  for dep in ${deps//,/ }; do
    if [ -z "${seen[$dep]:-}" ]; then
      echo "check_layers: layer '$name' depends on '$dep', which is not declared before it" >&2
      bad=1
    fi
  done
  allowed[$name]=" $name ${deps//,/ } "
  seen[$name]=1
  order+=("$name")
done
for dir in "$src"/*/; do
  folder=$(basename "$dir")
  if [ -z "${seen[$folder]:-}" ]; then
    echo "check_layers: $src/$folder/ is not a declared layer (add it with own_layer in CMakeLists.txt)" >&2
    bad=1
  fi
done
for folder in "${order[@]}"; do
  [ -d "$src/$folder" ] || continue
  # file:line:#include "x/..." for every quoted include of a path with a folder
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    inc=${rest#*:}
    inc=${inc#*\"}
    inc=${inc%%\"*}
    target=${inc%%/*}
    [ -n "${seen[$target]:-}" ] || continue  # not one of ours (a system or third-party header)
    case "${allowed[$folder]}" in
      *" $target "*) ;;
      *)
        deps=${allowed[$folder]# $folder }
        deps=$(echo $deps | sed 's/ /, /g')
        echo "$file:$line: error: $folder/ includes \"$inc\", but $folder/ may include only ${deps:-nothing outside itself} (layers in CMakeLists.txt, order in DESIGN.md §3)" >&2
        bad=1
        ;;
    esac
  done < <(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]+/' "$src/$folder"/* 2>/dev/null)
done
exit $bad
