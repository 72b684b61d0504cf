#!/bin/sh
# style-check.sh: check the C sources under host/, sdk/, services/ and
# plugins/ for the rules of STYLE.md that a program can decide.  Prints
# every offender as "file:line: reason", then the count of XXX markers,
# and exits 1 when there is any offender.
#
# The checks: lines of at most 80 columns (tabs at 8) except string
# entries of initializer tables; no // comments; no TODO or FIXME; no
# typedef but of *_cb callbacks; function name at column 0 and { alone
# on its line; no "return EXXX;"; no writing to stderr in host/ outside
# main() and usage() of host/cli/aemp.c (and log.c's write); no fatal()
# in *_dispatch* functions; no fprintf or syslog in plugins/; every
# non-static function of host/<layer>/foo-bar.c named foo_bar_*, or
# aemp_* when sdk/ declares it; no non-static function in services/ or
# plugins/; every prototype of sdk/*.h under a comment block (a run of
# prototypes may share one).
#
# The checks read code with comments and the contents of string and
# character literals taken out, so a "//" in a URL or a TODO inside a
# log text is not mistaken for a comment; markers are looked for in
# comments and code, never in strings.

set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1

files=$(find host sdk services plugins -type f -name '*.[ch]' 2>/dev/null |
    LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "style-check: no sources found under $top"
	exit 1
fi

prog=$(cat <<'EOF'
# Functions that may keep a name outside their file's prefix.
BEGIN {
	allowed["host/base/log.c fatal"] = 1
	allowed["host/base/log.c fatalx"] = 1
	allowed["host/base/xmalloc.c xmalloc"] = 1
	allowed["host/base/xmalloc.c xcalloc"] = 1
	allowed["host/base/xmalloc.c xreallocarray"] = 1
	allowed["host/base/xmalloc.c xstrdup"] = 1
	allowed["host/base/xmalloc.c xstrndup"] = 1
	allowed["host/base/xmalloc.c xasprintf"] = 1
	allowed["host/base/xmalloc.c xvasprintf"] = 1
	allowed["host/cli/aemp.c main"] = 1
	# The only functions of host/ that may write to stderr themselves.
	stderr_ok["host/cli/aemp.c main"] = 1
	stderr_ok["host/cli/aemp.c usage"] = 1
	stderr_ok["host/cli/aemp.c aemp_usage"] = 1
	# the tool's one error reporter, the usage text's counterpart
	stderr_ok["host/cli/aemp.c aemp_cmd_error"] = 1
	ONELINE = "^[a-z_].*\\)[ \t]*\\{[ \t]*$"
	EXTERNC = "^[ \t]*extern[ \t]*\"\"[ \t]*\\{$"
	TYPEDEF_AGG = "(^|[^A-Za-z0-9_])typedef[ \t]+(struct|union|enum)" \
	    "([^A-Za-z0-9_]|$)"
	RETURN_ERRNO = "(^|[^A-Za-z0-9_])return[ \t]*\\(?[ \t]*-?E[A-Z0-9]+" \
	    "[ \t]*\\)?[ \t]*;"
	RETURN_EOF = "return[ \t]*\\(?[ \t]*-?EOF[ \t]*\\)?[ \t]*;"
	nfn = 0
	noff = 0
	nxxx = 0
	hostxxx = 0
	hostlines = 0
}

function offend(line, why)
{
	print FILENAME ":" line ": " why
	noff++
}

# Display width of s with tabs at 8, counting UTF-8 characters.
function width(s,	i, n, c, col)
{
	gsub(/[\200-\277]/, "", s)
	n = length(s)
	col = 0
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == "\t")
			col = col - col % 8 + 8
		else
			col++
	}
	return col
}

# Set CODE to line without comments and literal contents, COMM to the
# text of its comments, SLASH to 1 when it holds a // comment.  ST
# carries an open block comment (or a continued string) across lines.
function lex(line,	i, n, c, q)
{
	CODE = ""
	COMM = ""
	SLASH = 0
	if (ST == "" && line !~ /[\/"']/) {
		CODE = line
		return
	}
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (ST == "C") {
			if (c == "*" && substr(line, i + 1, 1) == "/") {
				ST = ""
				i++
				CODE = CODE " "
			} else
				COMM = COMM c
			continue
		}
		if (ST == "S" || ST == "Q") {
			q = ST == "S" ? "\"" : "'"
			if (c == "\\")
				i++
			else if (c == q) {
				CODE = CODE q
				ST = ""
			}
			continue
		}
		if (c == "/" && substr(line, i + 1, 1) == "*") {
			ST = "C"
			i++
			CODE = CODE " "
		} else if (c == "/" && substr(line, i + 1, 1) == "/") {
			SLASH = 1
			COMM = COMM substr(line, i + 2)
			break
		} else if (c == "\"") {
			ST = "S"
			CODE = CODE c
		} else if (c == "'") {
			ST = "Q"
			CODE = CODE c
		} else
			CODE = CODE c
	}
	if ((ST == "S" || ST == "Q") && line !~ /\\$/) {
		CODE = CODE (ST == "S" ? "\"" : "'")
		ST = ""
	}
}

# Index just past the parenthesis that closes the one at p in s.
function skip_parens(s, p,	d, c, n)
{
	d = 0
	n = length(s)
	for (; p <= n; p++) {
		c = substr(s, p, 1)
		if (c == "(")
			d++
		else if (c == ")" && --d == 0)
			return p + 1
	}
	return p
}

# Set NAME and NAMEOFF to the declarator name in d: the first identifier
# followed by "(" that is not an attribute.
function find_name(d,	p, rest, id)
{
	p = 1
	for (;;) {
		rest = substr(d, p)
		if (!match(rest, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/))
			return 0
		id = substr(rest, RSTART, RLENGTH)
		sub(/[ \t]*\($/, "", id)
		if (id == "__attribute__" || id == "__declspec") {
			p = skip_parens(d, p + RSTART + RLENGTH - 2)
			continue
		}
		NAME = id
		NAMEOFF = p + RSTART - 1
		return 1
	}
}

# The line of decl offset o.
function decl_line(o,	k)
{
	for (k = nls; k > 1; k--)
		if (ls_off[k] <= o)
			break
	DECLCOL = o - ls_off[k]
	return ls_line[k]
}

function decl_reset()
{
	decl = ""
	nls = 1
	ls_off[1] = 1
	ls_line[1] = FNR
	decl_first = 0
}

# A "{" at file level closes decl: is it a function definition?
function decl_open(	d, ln)
{
	cur_func = ""
	d = decl
	sub(/[ \t]+$/, "", d)
	if (d !~ /\)$/ || d ~ /=/ || !find_name(d))
		return
	cur_func = NAME
	if (FILENAME !~ /\.c$/)
		return
	ln = decl_line(NAMEOFF)
	if (DECLCOL != 0)
		offend(ln, "function name " NAME " not at column 0 " \
		    "(return type on its own line)")
	if (code !~ /^\{[ \t]*$/ && code !~ ONELINE)
		offend(FNR, "{ of " NAME "() not alone on its line")
	if (d ~ /(^|[^A-Za-z0-9_])static([^A-Za-z0-9_]|$)/)
		return
	fn_file[++nfn] = FILENAME
	fn_line[nfn] = ln
	fn_name[nfn] = NAME
}

# A ";" at file level ends decl: check typedefs and sdk prototypes.
function decl_end(	d, ln)
{
	d = decl
	if (d ~ /^[ \t]*typedef[^A-Za-z0-9_]/ &&
	    d !~ /typedef[ \t]+(struct|union|enum)([^A-Za-z0-9_]|$)/ &&
	    d !~ /\*[ \t]*[A-Za-z_][A-Za-z0-9_]*_cb[ \t]*\)/)
		offend(decl_first, "typedef of something other than " \
		    "a *_cb callback")
	if (FILENAME ~ /^sdk\/[^\/]*\.h$/ && d !~ /typedef/ &&
	    d ~ /\(/ && d !~ /=/ && find_name(d) && NAME != "extern") {
		ln = decl_first
		if (raw[ln - 1] !~ /\*\/[ \t]*$/ && ln - 1 != last_proto)
			offend(ln, "prototype of " NAME " without a " \
			    "comment block above it")
		last_proto = FNR
	}
	# A forward declaration may sit between a comment and its prototype.
	if (FILENAME ~ /^sdk\/[^\/]*\.h$/ &&
	    d ~ /^[ \t]*struct[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*;$/ &&
	    (raw[decl_first - 1] ~ /\*\/[ \t]*$/ ||
	    decl_first - 1 == last_proto))
		last_proto = FNR
}

# Walk the braces, parentheses and semicolons of one code line.
function walk(code,	i, n, c, init)
{
	if (depth == 0) {
		nls++
		ls_off[nls] = length(decl) + 1
		ls_line[nls] = FNR
	}
	n = length(code)
	for (i = 1; i <= n; i++) {
		c = substr(code, i, 1)
		if (depth == 0) {
			decl = decl c
			if (!decl_first && c !~ /[ \t]/)
				decl_first = FNR
		}
		if (c == "{") {
			init = isinit[depth] || stmt ~ /=[ \t]*$/
			if (depth == 0 && decl ~ EXTERNC) {
				externc = 1
			} else {
				if (depth == 0) {
					decl = substr(decl, 1, length(decl) - 1)
					decl_open()
				}
				isinit[++depth] = init
			}
			stmt = ""
			if (depth <= 1)
				decl_reset()
		} else if (c == "}") {
			if (depth == 0 && externc)
				externc = 0
			else if (depth > 0 && --depth == 0)
				cur_func = ""
			stmt = ""
			if (depth == 0)
				decl_reset()
		} else if (c == ";") {
			if (depth == 0) {
				decl_end()
				decl_reset()
			}
			stmt = ""
		} else
			stmt = stmt c
	}
	if (depth == 0)
		decl = decl " "
}

FNR == 1 {
	ST = ""
	depth = 0
	externc = 0
	cur_func = ""
	stmt = ""
	inpp = 0
	last_proto = -1
	decl_reset()
	nls = 0
	delete raw
}

{
	raw[FNR] = $0
	if (FILENAME ~ /^host\//)
		hostlines++
	lex($0)
	code = CODE
	pp = inpp || code ~ /^[ \t]*#/
	inpp = pp && code ~ /\\[ \t]*$/
	startinit = isinit[depth] && depth > 0

	if (width($0) > 80 && !(startinit && code ~ /"/))
		offend(FNR, "line wider than 80 columns (" width($0) ")")
	if (SLASH)
		offend(FNR, "// comment")
	if (COMM ~ /TODO|FIXME/ || code ~ /TODO|FIXME/)
		offend(FNR, "TODO or FIXME marker (use XXX and a reason)")
	t = COMM
	while (match(t, /(^|[^A-Za-z0-9_])XXX([^A-Za-z0-9_]|$)/)) {
		nxxx++
		if (FILENAME ~ /^host\//)
			hostxxx++
		t = substr(t, RSTART + RLENGTH)
	}
	if (code ~ TYPEDEF_AGG)
		offend(FNR, "typedef of a struct, union or enum")
	if (!pp && code ~ ONELINE)
		offend(FNR, "function header and { on one line")
	if (code ~ RETURN_ERRNO && code !~ RETURN_EOF)
		offend(FNR, "returns an errno value (use AEMP_ERR_*)")
	if (FILENAME ~ /^host\// &&
	    (code ~ /(^|[^A-Za-z0-9_])stderr([^A-Za-z0-9_]|$)/ ||
	    code ~ /(^|[^A-Za-z0-9_])(perror|v?warnx?|v?errx?)[ \t]*\(/) &&
	    !stderr_ok[FILENAME " " cur_func])
		offend(FNR, "writes to stderr outside main() or usage() " \
		    "(use the log functions)")
	if (FILENAME ~ /^host\// && FILENAME != "host/base/log.c" &&
	    code ~ /(^|[^A-Za-z0-9_])STDERR_FILENO([^A-Za-z0-9_]|$)/)
		offend(FNR, "writes to stderr outside log.c")
	if (FILENAME ~ /^plugins\// &&
	    code ~ /(^|[^A-Za-z0-9_])(v?fprintf|v?syslog)[ \t]*\(/)
		offend(FNR, "plugin writes with fprintf or syslog " \
		    "(use aemp_log)")
	if (cur_func ~ /_dispatch/ &&
	    code ~ /(^|[^A-Za-z0-9_])fatalx?[ \t]*\(/)
		offend(FNR, "fatal() inside " cur_func "()")

	if (!pp) {
		if (FILENAME ~ /^sdk\/[^\/]*\.h$/)
			collect_sdk(code)
		walk(code)
	} else if (depth == 0)
		decl = decl " "
}

# Remember the aemp_* names the public headers declare.
function collect_sdk(code,	t, id)
{
	t = code
	while (match(t, /aemp_[a-z0-9_]*[ \t]*\(/)) {
		id = substr(t, RSTART, RLENGTH)
		sub(/[ \t]*\($/, "", id)
		sdk[id] = 1
		t = substr(t, RSTART + RLENGTH)
	}
}

# Non-static functions: named after their file, or public API.
END {
	for (i = 1; i <= nfn; i++) {
		f = fn_file[i]
		name = fn_name[i]
		FILENAME = f
		if (f ~ /^(services|plugins)\//) {
			offend(fn_line[i], "non-static function " name \
			    " in a module (only aemp_module is exported)")
			continue
		}
		if (f !~ /^host\// || allowed[f " " name])
			continue
		prefix = f
		sub(/.*\//, "", prefix)
		sub(/\.c$/, "", prefix)
		gsub(/-/, "_", prefix)
		if (name == prefix || index(name, prefix "_") == 1)
			continue
		if (name ~ /^aemp_/) {
			if (!(name in sdk))
				offend(fn_line[i], name " is not declared " \
				    "in sdk/: name it " prefix "_*")
			continue
		}
		offend(fn_line[i], "non-static " name " is not named " \
		    prefix "_* or aemp_*")
	}
	printf "=XXX %d %d %d\n", nxxx, hostxxx, hostlines
	printf "=OFF %d\n", noff
}
EOF
)

# shellcheck disable=SC2086
out=$(LC_ALL=C awk "$prog" $files) || {
	echo "style-check: awk failed"
	exit 99
}
printf '%s\n' "$out" | grep -v '^=' | LC_ALL=C sort -t: -k1,1 -k2,2n
set -- $(printf '%s\n' "$out" | sed -n 's/^=XXX //p')
echo "XXX markers: $1 in all, $2 in host/ ($3 lines of host/)"
set -- $(printf '%s\n' "$out" | sed -n 's/^=OFF //p')
if [ "${1:-1}" != 0 ]; then
	echo "style-check: $1 offenders"
	exit 1
fi
echo "style-check: clean"
exit 0
