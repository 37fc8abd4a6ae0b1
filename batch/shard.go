package batch

import "fmt"

// Shard returns the part of refs that shard index of count takes (a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX of its completions): refs
// cut into count contiguous runs whose sizes differ by at most one. Runs
// are contiguous, not dealt round-robin, because Expand sorts a registry's
// images by repository, so images that share base layers land in one shard
// and its layer cache reads those layers once.
func Shard(refs []string, index, count int) ([]string, error) {
	if count < 1 || index < 0 || index >= count {
		return nil, fmt.Errorf("shard %d of %d: want 0 <= index < count", index, count)
	}
	n := len(refs)
	return refs[index*n/count : (index+1)*n/count], nil
}
