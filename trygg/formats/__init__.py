"""Date and time as people in each language write them (FORMAT_MODULE_PATH): Django's own
English formats gave "11/30/2026 8:31 p.m." (issue #13). Only the display formats are set here;
what forms accept stays Django's."""
