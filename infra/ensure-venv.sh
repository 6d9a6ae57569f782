# Sourced, not run, by infra/python-env.sh, infra/saelens-env.sh and infra/torch-env.sh: the one way they make a
# Python environment from a requirements file.

# ensure_venv VENV REQUIREMENTS MESSAGE [CHECK]
# Makes the virtual environment VENV hold REQUIREMENTS, unless its stamp (the requirements' SHA-256) says it already
# does. Holds VENV/.lock until the calling script exits, so concurrent callers wait for one install. When it
# installs, MESSAGE, pip's output and the Python snippet CHECK (if given) go to stderr: stdout stays the caller's.
ensure_venv() {
  local venv="$1" requirements="$2" message="$3" check="${4:-}"
  local stamp="$venv/.requirements.sha256"
  local want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  mkdir -p "$venv"
  exec 9>"$venv/.lock"
  flock 9
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "$message" >&2
  rm -f "$stamp"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  if [[ -n "$check" ]]; then
    "$venv/bin/python" -c "$check" >&2
  fi
  echo "$want" > "$stamp"
}
