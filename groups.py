import sys,re,os,collections
def groups(pid, exe):
    g=collections.OrderedDict((k,0) for k in ["own file r-x","own file r--","own file rw-","swift runtime libs","Foundation libs","libcurl and its deps","libc libstdc++ libm ld.so","anonymous","other files"])
    cur=None
    for line in open(f"/proc/{pid}/smaps"):
        h=line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ",line):
            path=h[5] if len(h)>5 else ""
            name=os.path.basename(path); perm=h[1]
            if path==exe or name==os.path.basename(exe): key="own file "+("r-x" if "x" in perm else ("rw-" if "w" in perm else "r--"))
            elif not path or path.startswith("["): key="anonymous"
            elif re.search(r"Foundation",name): key="Foundation libs"
            elif re.search(r"libswift|libdispatch|libBlocksRuntime",name): key="swift runtime libs"
            elif re.match(r"(libc\.so|libstdc\+\+|libm\.so|ld-linux|libgcc_s)",name): key="libc libstdc++ libm ld.so"
            elif name.startswith("LC_") or name.endswith(".cache") or name=="locale-archive": key="other files"
            else: key="libcurl and its deps"
            cur=key
        elif h and h[0]=="Rss:":
            g[cur]+=int(h[1])
    return g
for spec in sys.argv[1:]:
    label,pid=spec.split("=")
    exe=os.readlink(f"/proc/{pid}/exe")
    g=groups(pid,exe)
    st={l.split(":")[0]:int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith(("VmRSS","RssAnon","RssFile"))}
    print(f"{label:12} VmRSS {st['VmRSS']/1024:5.1f} RssAnon {st['RssAnon']/1024:4.1f} | "+" | ".join(f"{k} {v/1024:.2f}" for k,v in g.items()))
