/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The banner's inline stylesheet and script.  Both are constants, the
 * same bytes on every page and in both languages, so that a strict
 * Content-Security-Policy can allow them by hash ("$privacy_banner_csp",
 * docs/banner.md); everything that varies lives in the markup.  Pure
 * ASCII: the banner must not depend on the page's charset.
 *
 * Everything is namespaced: ids "ngxp", "ngxp-*", classes "ngxp-*", and
 * every rule starts with "#ngxp" or "#ngxp-l" after resetting what the
 * site's stylesheet may have said ("all: revert").  Colours and the font
 * come from custom properties (--ngxp-accent, --ngxp-accent-text,
 * --ngxp-bg, --ngxp-fg, --ngxp-link, --ngxp-font) that a site may set on
 * :root.  The script is one closure that defines no global name.
 */

#ifndef _NGX_HTTP_PRIVACY_BANNER_MARKUP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_MARKUP_H_INCLUDED_


static const char  ngx_http_privacy_banner_style[] =
    "#ngxp,#ngxp *,#ngxp-l,#ngxp-l *{all:revert;box-sizing:border-box}"
    "#ngxp[hidden],#ngxp [hidden],#ngxp-l[hidden]{display:none!important}"
    "#ngxp{position:fixed;z-index:2147483647;left:0;right:0;bottom:0;"
    "max-height:90vh;overflow:auto;margin:0;padding:1em;"
    "background:var(--ngxp-bg,#fff);color:var(--ngxp-fg,#1a1a1a);"
    "border-top:3px solid var(--ngxp-accent,#0b57a4);"
    "box-shadow:0 -4px 16px rgba(0,0,0,.3);"
    "font:16px/1.5 var(--ngxp-font,system-ui,sans-serif);text-align:left}"
    "#ngxp form{max-width:60em;margin:0 auto}"
    "#ngxp h2{margin:0 0 .25em;font-size:1.25em;line-height:1.3}"
    "#ngxp p{margin:0 0 .75em}"
    "#ngxp a{color:var(--ngxp-link,#0b57a4)}"
    "#ngxp fieldset{margin:0 0 .75em;padding:.5em .75em;"
    "border:1px solid #767676;border-radius:4px}"
    "#ngxp legend{padding:0 .25em;font-weight:700}"
    "#ngxp .ngxp-c{margin:.5em 0}"
    "#ngxp .ngxp-c p{margin:0 0 0 1.8em;font-size:.9em}"
    "#ngxp input{width:1.15em;height:1.15em;margin:0 .6em 0 0;"
    "vertical-align:-.2em}"
    "#ngxp label,#ngxp strong{font-weight:700}"
    "#ngxp .ngxp-a{display:flex;flex-wrap:wrap;gap:.75em;margin:0 0 .5em}"
    "#ngxp .ngxp-b{flex:1 1 11em;margin:0;padding:.75em 1em;font:inherit;"
    "font-weight:700;line-height:1.25;text-align:center;"
    "text-decoration:none;color:var(--ngxp-accent-text,#fff);"
    "background:var(--ngxp-accent,#0b57a4);"
    "border:2px solid var(--ngxp-accent,#0b57a4);border-radius:4px;"
    "cursor:pointer}"
    "#ngxp .ngxp-b:hover{text-decoration:underline}"
    "#ngxp-l{position:fixed;z-index:2147483646;left:.5em;bottom:.5em;"
    "margin:0;padding:0}"
    "#ngxp-l a{display:block;padding:.4em .75em;"
    "font:14px/1.4 var(--ngxp-font,system-ui,sans-serif);"
    "color:var(--ngxp-accent-text,#fff);"
    "background:var(--ngxp-accent,#0b57a4);border:2px solid #fff;"
    "border-radius:4px}"
    "#ngxp :focus-visible,#ngxp-l a:focus-visible{"
    "outline:3px solid var(--ngxp-fg,#1a1a1a);outline-offset:2px;"
    "box-shadow:0 0 0 2px var(--ngxp-bg,#fff)}";


/*
 * Without JavaScript the form posts to the consent endpoint, which answers
 * 303 back to the page, and "Settings" is a link to the consent page.
 * With it: "Settings" (and the "Cookie settings" link) opens the settings
 * layer in place, and a choice is posted with fetch() without leaving the
 * page; the endpoint's 303 is not followed (redirect "manual"), the
 * browser still stores its Set-Cookie.  If fetch() fails the form is
 * submitted the plain way.  A "privacy:consent" event on document tells
 * the site's own scripts what was chosen.
 */

static const char  ngx_http_privacy_banner_script[] =
    "(function(){"
    "var d=document,b=d.getElementById('ngxp'),l=d.getElementById('ngxp-l'),"
    "w=window,f,p,s,u;"
    "if(!b||!l||!w.fetch||!w.URLSearchParams||!w.FormData)return;"
    "f=b.getElementsByTagName('form')[0];p=d.getElementById('ngxp-p');"
    "s=d.getElementById('ngxp-s');"
    "function o(e){e.preventDefault();b.hidden=false;l.hidden=true;"
    "p.hidden=false;s.setAttribute('aria-expanded','true');"
    "p.querySelector('input,button').focus()}"
    "s.setAttribute('aria-controls','ngxp-p');"
    "s.setAttribute('aria-expanded','false');"
    "s.addEventListener('click',o);"
    "l.getElementsByTagName('a')[0].addEventListener('click',o);"
    "f.addEventListener('click',function(e){"
    "if(e.target.name==='action')u=e.target.value});"
    "f.addEventListener('submit',function(e){"
    "var a=e.submitter&&e.submitter.value||u||'save',"
    "q=new URLSearchParams(new FormData(f));"
    "e.preventDefault();q.set('action',a);"
    "fetch(f.getAttribute('action'),{method:'POST',body:q,"
    "credentials:'same-origin',"
    "redirect:'manual'}).then(function(r){"
    "var c=f.querySelectorAll('input[type=checkbox]'),g=['necessary'],i;"
    "if(!r.ok&&r.type!=='opaqueredirect')throw r;"
    "for(i=0;i<c.length;i++){if(a!=='save')c[i].checked=a==='accept_all';"
    "if(c[i].checked)g.push(c[i].value)}"
    "b.hidden=true;p.hidden=true;s.setAttribute('aria-expanded','false');"
    "l.hidden=false;l.getElementsByTagName('a')[0].focus();"
    "d.dispatchEvent(new CustomEvent('privacy:consent',"
    "{detail:{action:a,categories:g}}))"
    "}).catch(function(){var i=d.createElement('input');i.type='hidden';"
    "i.name='action';i.value=a;f.appendChild(i);f.submit()})})})();";


#endif /* _NGX_HTTP_PRIVACY_BANNER_MARKUP_H_INCLUDED_ */
