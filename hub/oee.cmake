# The pure rules of the hub: shift calendar, OEE engine (with its store
# codec) and the andon workflow.  No libuv or libwebsockets in these files.
target_sources(fh_hub_modules PRIVATE shift.c oee.c oee_codec.c andon_rules.c)
