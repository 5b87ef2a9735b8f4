# Summarises `perf script -F comm,event,ip,sym` of one process (perf-profile.sh): per event, thread name
# (first 15 characters, the kernel's), where the sample was (kernel or user) and the first user-space
# frame; then CPU samples and context switches per datum. Set -v datums=N.
/^[^ \t]/ {
    if (event != "") count()
    event = $0 ~ /context-switches/ ? "switch" : ($0 ~ /cpu-clock/ ? "cpu" : "")
    thread = $1; sub(/-[0-9]+$/, "", thread); sub(/[#0-9]+$/, "", thread)
    kernel = ""; user = ""
    next
}
/^\t/ {
    address = $1; $1 = ""
    if (address ~ /^ffffffff/) { if (kernel == "") kernel = $0 } else if (user == "") user = $0
    next
}
function count() {
    where = kernel == "" ? "user  " : "kernel"
    by[event " " sprintf("%-16s", thread) " " where " " user]++
    total[event]++
    if (event == "cpu" && kernel != "") kernelTotal++
    event = ""
}
END {
    if (event != "") count()
    for (key in by) if (by[key] * 200 >= total[substr(key, 1, index(key, " ") - 1)]) printf "%8d  %s\n", by[key], key | "sort -k2,2 -k1,1nr"
    close("sort -k2,2 -k1,1nr")
    printf "\nCPU samples: %d (%.1f%% in the kernel) = %.2f ms per 1,000 datums\n", total["cpu"], 100 * kernelTotal / total["cpu"], 1000 * total["cpu"] / datums
    printf "context switches: %d = %.4f per datum\n", total["switch"], total["switch"] / datums
}
