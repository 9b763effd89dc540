# Tomcat 10.1+: $CATALINA_BASE/bin/setenv.sh. System properties for every webapp that carries
# aurora-webhooks.jar; secrets come from the environment the service manager provides.
CATALINA_OPTS="$CATALINA_OPTS -Daurora.config=/etc/aurora-webhooks.properties"
# Or individual keys:
# CATALINA_OPTS="$CATALINA_OPTS -Daurora.db.url=jdbc:postgresql://db.internal:5432/app"
export AURORA_WEBHOOKS_AUTH_HEADER_VALUE="${AURORA_WEBHOOKS_AUTH_HEADER_VALUE:?set it in the service environment}"
