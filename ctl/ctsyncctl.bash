# bash completion for ctsyncctl(8): options, commands and their arguments.
# (tests/unit/completion.sh checks these lists against ctsyncctl --help.)
_ctsyncctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd="" i args=""

	if [[ $prev == -C ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W '--json -C --help --version stats show
		    commit flush flush-kernel resync-kernel bulk-send
		    request-resync reset-timers health metrics debug kill
		    genkey' \
		    -- "$cur"))
		return
	fi
	((COMP_CWORD == i + 1)) || return
	case $cmd in
	stats) args='network cache runtime link rsqueue process queue expect' ;;
	show) args='internal external internal-xml external-xml
	    internal-expect external-expect' ;;
	commit | flush-kernel | resync-kernel) args='ct expect' ;;
	flush) args='internal external' ;;
	debug) args='on off' ;;
	esac
	COMPREPLY=($(compgen -W "$args" -- "$cur"))
}
complete -F _ctsyncctl ctsyncctl
