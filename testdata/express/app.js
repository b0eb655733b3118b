// A minimal Express app with express-session and connect-redis, configured
// the way sessionkit's Express mode expects (resave: false,
// saveUninitialized: false). sessionkit's interop tests start it on a
// loopback port against their own redis-server; see internal/nodetest.
//
// Environment:
//   PORT            port to listen on (127.0.0.1 only); required
//   REDIS_URL       redis:// URL of the session Redis; required
//   SESSION_SECRET  comma-separated secrets; the first one signs; required
//   SESSION_COOKIE  cookie name (default connect.sid)
//   SESSION_PREFIX  store key prefix (default sess:)
//   SESSION_MAX_AGE cookie maxAge in milliseconds (default: none, a
//                   browser-session cookie and connect-redis's 1-day TTL)
//
// It prints "listening on 127.0.0.1:PORT" once Redis is connected and the
// port is open, and exits when stdin closes or on SIGTERM.
'use strict'

const express = require('express')
const session = require('express-session')
const { RedisStore } = require('connect-redis')
const { createClient } = require('redis')

function required (name) {
  const v = process.env[name]
  if (!v) {
    console.error(`express fixture: ${name} is required`)
    process.exit(2)
  }
  return v
}

async function main () {
  const port = Number(required('PORT'))
  const secrets = required('SESSION_SECRET').split(',')
  const client = createClient({ url: required('REDIS_URL') })
  client.on('error', (err) => console.error('express fixture: redis:', err.message))
  await client.connect()

  const cookie = {}
  if (process.env.SESSION_MAX_AGE) cookie.maxAge = Number(process.env.SESSION_MAX_AGE)

  const app = express()
  app.use(express.json())
  app.use(express.urlencoded({ extended: false }))
  app.use(session({
    store: new RedisStore({ client, prefix: process.env.SESSION_PREFIX || 'sess:' }),
    name: process.env.SESSION_COOKIE || 'connect.sid',
    secret: secrets,
    resave: false,
    saveUninitialized: false,
    cookie
  }))

  app.post('/signin', (req, res) => {
    const name = req.body && req.body.name
    if (typeof name !== 'string' || name === '') {
      return res.status(400).json({ error: 'name is required' })
    }
    req.session.user = { name, signedInAt: new Date() }
    res.json(req.session.user)
  })

  app.get('/me', (req, res) => {
    if (!req.session.user) return res.status(401).json({ error: 'not signed in' })
    res.json(req.session.user)
  })

  app.post('/set', (req, res) => {
    if (!req.session.user) return res.status(401).json({ error: 'not signed in' })
    const field = req.body && req.body.field
    if (typeof field !== 'string' || field === '') {
      return res.status(400).json({ error: 'field is required' })
    }
    req.session.user[field] = req.body.value
    res.json(req.session.user)
  })

  // Sets a top-level session field to any JSON value (creates a session).
  app.post('/put', (req, res) => {
    const key = req.body && req.body.key
    if (typeof key !== 'string' || key === '' || key === 'cookie') {
      return res.status(400).json({ error: 'key is required' })
    }
    req.session[key] = req.body.value
    res.json({ [key]: req.session[key] })
  })

  app.post('/signout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err)
      res.json({ signedOut: true })
    })
  })

  app.get('/session', (req, res) => res.json(req.session))

  app.use((err, req, res, next) => {
    console.error('express fixture: error:', err && err.stack)
    res.status(500).json({ error: String(err && err.message) })
  })

  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`listening on 127.0.0.1:${port}`)
  })
  server.on('error', (err) => {
    console.error('express fixture: listen:', err.message)
    process.exit(1)
  })

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.close()
    server.closeAllConnections()
    client.quit().catch(() => {}).finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
}

main().catch((err) => {
  console.error('express fixture:', err && err.stack)
  process.exit(1)
})
