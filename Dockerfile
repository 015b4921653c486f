# Runs exactly what the README's quick start runs. Node 20 with build tools, because
# better-sqlite3 builds from source where no prebuilt binary is available.
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_FILE=/data/dateline.db
VOLUME /data
EXPOSE 3000
# The test command (the README's second) is run in CI, not in the image:
#   docker run --rm IMAGE npm test
CMD ["npm", "start"]
