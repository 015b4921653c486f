# Runs exactly what the README's quick start runs. Node 20 with build tools, because
# better-sqlite3 builds from source where no prebuilt binary is available.
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# `npm start` builds before it starts (its prestart step); building here too puts the compiled
# server in the image, so a container's start only finds dist/ up to date instead of compiling.
RUN npm run build
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_FILE=/data/dateline.db
VOLUME /data
EXPOSE 3000
# The test command (the README's second) is run in CI, not in the image:
#   docker run --rm IMAGE npm test
CMD ["npm", "start"]
