import fp from 'fastify-plugin';

// Only JSON bodies are accepted: anything else is a 415 rather than a confusing 400.
// An empty JSON body is read as "no body", so `POST /publish` with a Content-Type header
// from a generic client still works; the route schema decides whether a body is required.
export default fp(
  async (app) => {
    app.removeAllContentTypeParsers();
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string' }, (req, body, done) => {
      const text = body.toString();
      if (text.trim() === '') return done(null, undefined);
      parseJson(req, text, done);
    });
  },
  { name: 'json-body' },
);
