package demo

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// sampleSLA gives the standard instance an SLA policy before the sample
// tickets exist, so they show their reply targets and the requester wait
// target, which pauses while a ticket is pending.
func sampleSLA(ctx context.Context, std *Node) error {
	var metrics []model.SLAMetric
	for prio, hours := range map[string]int{"low": 24, "normal": 8, "high": 4, "urgent": 1} {
		metrics = append(metrics, model.SLAMetric{Priority: prio, Metric: model.MetricFirstReply, Target: hours * 60},
			model.SLAMetric{Priority: prio, Metric: model.MetricNextReply, Target: hours * 60},
			model.SLAMetric{Priority: prio, Metric: model.MetricRequesterWait, Target: 3 * hours * 60})
	}
	if _, err := std.Instance.Desk.SaveSLAPolicy(ctx, std.Admin, model.SLAPolicy{Title: "Replies", Metrics: metrics}); err != nil {
		return fmt.Errorf("demo: sample SLA policy: %w", err)
	}
	return nil
}

// samplePriority is the sample tickets' priority: SLA targets need one.
func samplePriority() *string {
	p := "normal"
	return &p
}
