-- POST /api/validate with a typical valid form (an email typo warning, a phone number).
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
require "report"

wrk.method = "POST"
wrk.path = "/api/validate?locale=de"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"anna@gmial.com","country":"Österreich","phone":"0664 1234567",' ..
           '"justification":"Meta darf meine Beiträge und Fotos nicht zum Training seiner KI verwenden."}'
