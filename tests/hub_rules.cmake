# Unit tests of the hub's pure rules: shift calendar, OEE, andon workflow,
# notify rules.
fh_unit_test(test_shift)
target_link_libraries(test_shift PRIVATE fh_rules)
fh_unit_test(test_oee)
target_link_libraries(test_oee PRIVATE fh_rules)
fh_unit_test(test_andon_rules)
target_link_libraries(test_andon_rules PRIVATE fh_rules)
fh_unit_test(test_downtime)
target_link_libraries(test_downtime PRIVATE fh_rules)
fh_unit_test(test_totals)
target_link_libraries(test_totals PRIVATE fh_rules)
fh_unit_test(test_notify_rules)
target_link_libraries(test_notify_rules PRIVATE fh_rules)
