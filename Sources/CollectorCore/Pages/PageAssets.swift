/// The pages' CSS and script: inline constants, so an offline LAN renders them (no CDN, no fonts).
enum PageAssets {
    static let css: StaticString = """
        :root{--bg:#fff;--fg:#1b1f24;--mute:#5f6b7a;--line:#e3e7ec;--card:#f6f8fa;--up:#1a7f37;--late:#b35900;\
        --down:#c62828;--paused:#6b7280;--new:#2563eb;--unr:#7c3aed;--unk:#c9d1d9}
        @media (prefers-color-scheme:dark){:root{--bg:#0f1419;--fg:#e6edf3;--mute:#9aa7b4;--line:#2a323c;--card:#161b22;\
        --up:#3fb950;--late:#f0883e;--down:#ff6b6b;--paused:#9ca3af;--new:#79a8ff;--unr:#b49cff;--unk:#3b434d}\
        .st{color:#0f1419}}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
        header,main,footer{max-width:1200px;margin:0 auto;padding:.6rem 1rem}
        header{display:flex;flex-wrap:wrap;gap:.6rem 1.5rem;align-items:center;justify-content:space-between}
        h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
        a{color:inherit}.mute,footer,.sum{color:var(--mute)}
        .st{display:inline-block;min-width:4.6em;text-align:center;padding:.05em .5em;border-radius:1em;font-weight:600;\
        font-size:.85em;color:#fff;background:var(--mute)}
        .st.up{background:var(--up)}.st.late{background:var(--late)}.st.down{background:var(--down)}\
        .st.paused{background:var(--paused)}.st.new{background:var(--new)}.st.unreachable{background:var(--unr)}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        thead th{font-size:.78em;color:var(--mute);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .tag,.site{font-size:.75em;border:1px solid var(--line);border-radius:.6em;padding:0 .4em;margin-left:.3em;color:var(--mute)}
        .warn{color:var(--late);font-weight:600}
        .facts th{width:12rem;font-weight:600;color:var(--mute)}
        [hidden]{display:none!important}
        .bar{display:flex;gap:1px;width:150px;height:14px}.wide .bar{width:100%;height:20px}.bar i,.bar a{flex:1;position:relative;border-radius:1px;background:var(--unk);min-width:2px}
        .bar .d0,.bar .i0{background:var(--up)}.bar .d1{background:#d9a92b}.bar .d2{background:#e8870e}.bar .d3{background:#e5534b}.bar .d4{background:#c62828}.bar .d5{background:#7a0c0c}.bar .i1{background:var(--late)}.bar .i2{background:var(--down)}.istrip{width:180px}
        .bar i:hover::after,.bar i:focus::after,.bar a:hover::after,.bar a:focus::after{content:attr(aria-label);position:absolute;top:130%;right:0;z-index:2;white-space:nowrap;background:var(--fg);color:var(--bg);font:12px/1.3 system-ui,sans-serif;padding:.2em .45em;border-radius:.3em}
        .bar i:focus,.bar a:focus,svg.tl rect:focus{outline:2px solid var(--fg);outline-offset:1px}
        .fleet{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;color:var(--mute);margin:.2rem 0}
        svg.tl{width:100%;height:30px;display:block}.lane{display:grid;grid-template-columns:9rem 1fr;gap:.5rem;align-items:center;margin:.15rem 0}.lane a{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        .days{display:flex;justify-content:space-between;font-size:.75em;color:var(--mute)}
        .lanes+.days{margin-left:9.5rem}
        .t-up{fill:var(--up)}.t-power{fill:var(--down)}.t-reboot{fill:var(--late)}.t-unk{fill:#8f1d1d}.t-net{fill:var(--new)}.t-gap{fill:var(--paused)}.t-unr{fill:var(--unr)}.t-maint{fill:#5b8def}.t-none{fill:var(--unk)}.t-tick{fill:var(--fg)}.t-pw{fill:#d9a92b}
        ul.legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;padding:0;margin:.4rem 0;font-size:.85em;color:var(--mute)}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em;background:var(--unk)}.legend .t-up{background:var(--up)}.legend .t-power{background:var(--down)}.legend .t-reboot{background:var(--late)}.legend .t-unk{background:#8f1d1d}.legend .t-net{background:var(--new)}.legend .t-gap{background:var(--paused)}.legend .t-unr{background:var(--unr)}.legend .t-maint{background:#5b8def}.legend .t-tick{background:var(--fg);width:3px}.legend .t-pw{background:#d9a92b;height:.4em}
        .young{display:block;font-size:.75em;font-weight:400}
        .jbar{display:inline-block;width:90px;height:10px;background:var(--unk);border-radius:2px;vertical-align:middle}\
        .jbar i{display:block;height:100%;background:var(--up);border-radius:2px}.jbar i.bad{background:var(--down)}
        pre.out{margin:0;max-height:16em;overflow:auto;white-space:pre-wrap;font-size:.85em;background:var(--card);\
        border:1px solid var(--line);border-radius:.3rem;padding:.3rem .5rem}
        input[type=search]{width:18rem;max-width:100%;padding:.4rem .6rem;font:inherit;border:1px solid var(--line);\
        border-radius:.4rem;background:var(--card);color:inherit}
        .empty{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem}
        .cnote{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--late);border-radius:.4rem;\
        padding:.5rem .8rem;margin:.4rem 0}.cnote.bad{border-left-color:var(--down)}
        .stale .sum::after{content:" · connection lost, showing the last data";color:var(--down)}
        nav.counts{display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:center;margin:.2rem 0 .6rem}\
        nav.counts a.st{text-decoration:none;min-width:0;padding:.15em .7em}.pager{color:var(--mute)}
        table.tags{width:auto;min-width:min(100%,36rem)}
        ul.sp{list-style:none;padding:0;margin:0}ul.sp li{padding:.45rem 0;border-bottom:1px solid var(--line)}\
        .sph{display:flex;flex-wrap:wrap;gap:.2rem .7rem;align-items:baseline;margin-bottom:.3rem}
        @media (max-width:720px){thead{display:none}table.devs,.devs tbody{display:block}\
        .devs tr{display:grid;grid-template-columns:auto 1fr 1fr 1fr;gap:.1rem .6rem;align-items:baseline;\
        border:1px solid var(--line);border-radius:.5rem;margin:.45rem 0;padding:.35rem .5rem}\
        .devs td{display:block;border:0;padding:0;font-size:.9em}.devs td:nth-child(2){grid-column:2/-1}\
        .devs td:nth-child(3),.devs td:nth-child(4){grid-column:span 2}.devs td:nth-child(5){grid-column:1/-1}\
        .devs td:nth-child(9){grid-column:1/-1}.devs td:nth-child(9) .bar{width:100%;height:8px}\
        .devs td:nth-child(n+3):nth-child(-n+8)::before{color:var(--mute);font-size:.85em}\
        .devs td:nth-child(3)::before{content:"seen "}.devs td:nth-child(4)::before{content:"down for "}\
        .devs td:nth-child(5)::before{content:"outage "}.devs td:nth-child(6)::before{content:"24 h "}\
        .devs td:nth-child(7)::before{content:"7 d "}.devs td:nth-child(8)::before{content:"30 d "}\
        .devs .num{text-align:left}.facts th{width:auto}.lane{grid-template-columns:6rem 1fr}.lanes+.days{margin-left:6.5rem}\
        .young{display:none}main table:not(.devs){display:block;overflow-x:auto}body{overflow-wrap:anywhere}}
        """

    /// Local times, relative ages, the filter, and live changes: a page with a feed position (`<main data-feed>`,
    /// the overview, a status page with its own `data-stream`) follows the collector's event stream, updates a shown row at once and re-reads `<main>` (at
    /// most every 2 s); other pages re-read `<main>` every 5 s. The page works without any of it.
    static let script: StaticString = """
        (function(){
        var q=document.querySelector('input[name=q]');
        function rel(d){var s=Math.round((Date.now()-d)/1000);if(s<0)s=0;if(s<60)return s+'s ago';\
        if(s<3600)return Math.floor(s/60)+'m ago';if(s<86400)return Math.floor(s/3600)+'h '+Math.floor(s%3600/60)+'m ago';\
        return Math.floor(s/86400)+'d '+Math.floor(s%86400/3600)+'h ago';}
        var ISO=/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:\\d\\d)/g;
        function fmt(){document.querySelectorAll('time[datetime]').forEach(function(t){var d=new Date(t.getAttribute('datetime'));\
        if(isNaN(d))return;t.textContent=t.hasAttribute('data-rel')?rel(d):t.hasAttribute('data-day')?\
        d.toLocaleDateString([],{month:'short',day:'numeric'}):t.hasAttribute('data-hour')?\
        d.toLocaleTimeString([],{hour:'2-digit',minute:'2-digit'}):d.toLocaleString();});\
        document.querySelectorAll('svg title').forEach(function(t){if(t.getAttribute('data-l'))return;t.setAttribute('data-l','1');\
        t.textContent=loc(t.textContent);var r=t.parentNode;if(r&&r.getAttribute('aria-label'))\
        r.setAttribute('aria-label',loc(r.getAttribute('aria-label')));});}
        function loc(x){return x.replace(ISO,function(s){var d=new Date(s);return isNaN(d)?s:d.toLocaleString();});}
        function filter(){if(!q)return;var v=q.value.trim().toLowerCase();document.querySelectorAll('[data-name]').forEach(function(r){\
        r.hidden=!!v&&r.dataset.name.indexOf(v)<0&&(r.dataset.tags||'').indexOf(v)<0&&r.dataset.status!==v;});}
        function refresh(){fetch(location.href,{cache:'no-store'}).then(function(r){if(!r.ok)throw r;return r.text();})\
        .then(function(h){var m=new DOMParser().parseFromString(h,'text/html').querySelector('main');\
        if(m){document.querySelector('main').replaceWith(m);fmt();filter();}document.body.classList.remove('stale');})\
        .catch(function(){document.body.classList.add('stale');});}
        function complete(){var m=document.querySelector('main');return m&&m.dataset.complete==='1';}
        if(q){q.addEventListener('input',filter);document.querySelector('form[role=search]').addEventListener('submit',\
        function(e){if(complete()){e.preventDefault();filter();}});}
        var timer=null,last=0;
        function soon(){if(timer)return;timer=setTimeout(function(){timer=null;last=Date.now();refresh();},\
        Math.max(200,last+2000-Date.now()));}
        function flip(e){var c;try{c=JSON.parse(e.data);}catch(x){return;}\
        var n=CSS.escape(c.device),r=document.querySelector('tr[data-name="'+n+'"],li[data-name="'+n+'"]');\
        if(r){r.dataset.status=c.to;var s=r.querySelector('.st');if(s){s.className='st '+c.to;s.textContent=c.to;}}soon();}
        function listen(){var m=document.querySelector('main');\
        var es=new EventSource((m.dataset.stream||'/api/v1/stream')+'?after='+encodeURIComponent(m.dataset.feed));\
        es.addEventListener('flip',flip);\
        es.addEventListener('status',flip);es.addEventListener('reset',soon);\
        es.onopen=function(){document.body.classList.remove('stale');document.body.dataset.live='1';};\
        es.onerror=function(){document.body.classList.add('stale');document.body.dataset.live='0';\
        if(es.readyState===2){setTimeout(listen,5000);}};}
        var m0=document.querySelector('main');
        if(m0&&m0.dataset.feed&&window.EventSource){listen();}else{setInterval(refresh,5000);}
        fmt();filter();setInterval(fmt,5000);
        })();
        """
}
