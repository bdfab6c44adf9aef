-- A dose change, restart or stop dated in the future changes the schedule on that day: the sweep works the
-- course out again then.
alter table monitoring_course add column recompute_on date;
create index monitoring_course_recompute on monitoring_course (recompute_on) where recompute_on is not null;
