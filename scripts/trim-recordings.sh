#!/usr/bin/env bash
# Copies the real recordings that tests read from ../shared/data (or $1) into tests/recordings/, trimmed to the
# columns the readers use and gzipped. Re-run it only when the slice of the data sets changes; its output is committed.
# UCI: drops the magnetometer (columns 8-10). Oxford: drops the 'accuracy' column and writes a header naming the rest.
# cmu-lower-limb is evaluation-only (no licence stated) and is never copied.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=${1:-../shared/data}
target=tests/recordings

for file in "$source_dir"/uci-physical-therapy/s*/e*/u*/*.txt; do
  relative=${file#"$source_dir"/}
  mkdir -p "$target/$(dirname "$relative")"
  cut -d';' -f1-7 "$file" | gzip -9n > "$target/$relative.gz"
done
for file in "$source_dir"/uci-physical-therapy/s*/e*/template_times.txt; do
  relative=${file#"$source_dir"/}
  cp "$file" "$target/$relative"
done

for walk in "$source_dir"/oxford-step-counter/*/; do
  name=$(basename "$walk")
  mkdir -p "$target/oxford-step-counter/$name"
  { echo "t_ns,x,y,z"; cut -d, -f1,3-5 "$walk/accelerometer.csv"; } | gzip -9n > "$target/oxford-step-counter/$name/accelerometer.csv.gz"
  gzip -9nc "$walk/stepcounter.csv" > "$target/oxford-step-counter/$name/stepcounter.csv.gz"
done
du -sh "$target"
